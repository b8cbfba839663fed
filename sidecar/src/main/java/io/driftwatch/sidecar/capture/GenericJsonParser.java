package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads any JSON-over-HTTP model (a FastAPI app, a custom server) through configured JSON pointers
 * (RFC 6901): each feature is one pointer into the request body, each output one pointer into the
 * response body. One record per call. A pointer that matches nothing leaves its feature or output
 * out of the record (it counts as missing downstream); values are converted as {@link
 * KServeV1Parser} does (numbers, texts, flags, null, lists of numbers; other JSON as text).
 */
public final class GenericJsonParser implements ExchangeParser {
  private final List<String> pathPrefixes;
  private final Map<String, JsonPointer> features;
  private final Map<String, JsonPointer> outputs;

  /**
   * @param pathPrefixes POST requests whose path starts with one of these are read, e.g. {@code /}
   * @param features feature name → JSON pointer into the request, e.g. {@code age=/customer/age}
   * @param outputs output name → JSON pointer into the response
   * @throws IllegalArgumentException for a pointer that is not one
   */
  public GenericJsonParser(
      List<String> pathPrefixes, Map<String, String> features, Map<String, String> outputs) {
    this.pathPrefixes = List.copyOf(pathPrefixes);
    this.features = compile(features);
    this.outputs = compile(outputs);
  }

  private static Map<String, JsonPointer> compile(Map<String, String> pointers) {
    Map<String, JsonPointer> out = new LinkedHashMap<>();
    pointers.forEach((name, pointer) -> out.put(name, JsonPointer.compile(pointer)));
    return out;
  }

  @Override
  public Protocol protocol() {
    return Protocol.GENERIC_JSON;
  }

  @Override
  public boolean matches(String method, String path) {
    if (!"POST".equals(method)) {
      return false;
    }
    for (String prefix : pathPrefixes) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    Map<String, Value> f = new LinkedHashMap<>();
    if (!features.isEmpty()) {
      JsonNode request =
          JsonBodies.readJson(
              "request",
              exchange.requestBody(),
              exchange.requestTruncated(),
              exchange.requestHeaders(),
              errors);
      pick(request, features, f);
    }
    Map<String, Value> o = new LinkedHashMap<>();
    int status = exchange.status();
    if (exchange.proxyError().isEmpty() && status >= 200 && status < 300) {
      if (!outputs.isEmpty()) {
        JsonNode response =
            JsonBodies.readJson(
                "response",
                exchange.responseBody(),
                exchange.responseTruncated(),
                exchange.responseHeaders(),
                errors);
        pick(response, outputs, o);
      }
    } else if (exchange.proxyError().isEmpty()) {
      errors.add(JsonBodies.errorResponse(status, exchange.responseBody()));
    }
    List<Row> rows = f.isEmpty() && o.isEmpty() ? List.of() : List.of(new Row(f, o));
    return new Payload("", "", rows, errors);
  }

  private static void pick(
      JsonNode root, Map<String, JsonPointer> pointers, Map<String, Value> out) {
    if (root == null) {
      return;
    }
    pointers.forEach(
        (name, pointer) -> {
          JsonNode node = root.at(pointer);
          if (!node.isMissingNode()) {
            out.put(name, JsonBodies.value(node));
          }
        });
  }
}
