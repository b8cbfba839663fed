package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an exchange rebuilt from KServe payload-logger CloudEvents (the request event's data as the
 * request body, the response event's data as the response body; either may be missing when its
 * event never came). The payloads are KServe v2 (tensors with a {@code datatype}) or v1 ({@code
 * instances} / {@code predictions}), told apart by their content and read as {@link KServeV2Parser}
 * and {@link KServeV1Parser} read them. The model is the InferenceService's name ({@code
 * ce-inferenceservicename}), else the one the payload names.
 *
 * <p>It claims no proxied request: only the CloudEvents endpoint builds its exchanges.
 */
public final class KServeCloudEventParser implements ExchangeParser {
  /** The request header holding the InferenceService name, as the event carried it. */
  public static final String SERVICE_HEADER = "ce-inferenceservicename";

  /** The request header holding why the exchange lacks one of its events, if it does. */
  public static final String PAIRING_HEADER = "driftwatch-pairing";

  @Override
  public Protocol protocol() {
    return Protocol.KSERVE_CLOUDEVENT;
  }

  @Override
  public boolean matches(String method, String path) {
    return false;
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    String pairing = exchange.requestHeaders().get(PAIRING_HEADER);
    if (pairing != null && !pairing.isEmpty()) {
      errors.add(pairing);
    }
    byte[] request = exchange.requestBody();
    byte[] response = exchange.responseBody();
    boolean v2 = isV2(request, "inputs") || isV2(response, "outputs");
    List<Map<String, Value>> features = List.of();
    if (request.length > 0) {
      features =
          v2
              ? KServeV2Parser.readTensors(
                  "request",
                  "inputs",
                  request,
                  exchange.requestTruncated(),
                  exchange.requestHeaders(),
                  errors,
                  null)
              : KServeV1Parser.features(
                  request, exchange.requestTruncated(), exchange.requestHeaders(), errors);
    }
    List<Map<String, Value>> outputs = List.of();
    String model = "";
    String version = "";
    if (response.length > 0) {
      if (v2) {
        JsonNode[] root = new JsonNode[1];
        outputs =
            KServeV2Parser.readTensors(
                "response",
                "outputs",
                response,
                exchange.responseTruncated(),
                exchange.responseHeaders(),
                errors,
                root);
        if (root[0] != null) {
          model = root[0].path("model_name").asText("");
          version = root[0].path("model_version").asText("");
        }
      } else {
        outputs =
            KServeV1Parser.outputs(
                response, exchange.responseTruncated(), exchange.responseHeaders(), errors);
      }
    }
    String service = exchange.requestHeaders().getOrDefault(SERVICE_HEADER, "");
    if (!service.isEmpty()) {
      model = service;
    }
    return new Payload(model, version, Rows.zip(features, outputs, errors), errors);
  }

  /** Whether a body is a KServe v2 payload: its tensor array holds objects with a datatype. */
  private static boolean isV2(byte[] body, String field) {
    if (body.length == 0 || !JsonBodies.looksLikeJson(body)) {
      return false;
    }
    try {
      JsonNode tensors = JsonBodies.JSON.readTree(body).path(field);
      return tensors.isArray() && tensors.path(0).has("datatype");
    } catch (IOException e) {
      return false;
    }
  }
}
