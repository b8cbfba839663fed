package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the KServe v1 / TensorFlow Serving REST predict call: {@code POST
 * /v1/models/{name}[/versions/{version}]:predict}.
 *
 * <p>Request, row format: {@code {"instances": [...]}}, one row per instance; an instance that is
 * an object gives named features, an array gives features {@code f0…fn}, a scalar gives {@code f0}.
 * Columnar format: {@code {"inputs": {"name": [row0, row1, …], …}}} (dimension 0 of each named
 * input is the batch) or {@code {"inputs": [row0, row1, …]}} (read like {@code instances}).
 *
 * <p>Response: {@code {"predictions": [...]}}, one row per prediction; an object gives named
 * outputs, a scalar or an array gives the output {@code prediction} (a number, a text, or a list of
 * numbers such as per-class scores). TF Serving's columnar {@code {"outputs": …}} is read the same
 * way as columnar inputs. Values: JSON numbers, strings, booleans and null as such; arrays of
 * numbers as lists of numbers; anything else as its JSON text.
 */
public final class KServeV1Parser implements ExchangeParser {
  private static final String PREFIX = "/v1/models/";
  private static final String SUFFIX = ":predict";

  /** The output name of a prediction that is not an object. */
  static final String PREDICTION = "prediction";

  @Override
  public Protocol protocol() {
    return Protocol.KSERVE_V1_REST;
  }

  @Override
  public boolean matches(String method, String path) {
    return "POST".equals(method) && modelAndVersion(path) != null;
  }

  /** {name, version} from a predict path (version empty when absent); null for other paths. */
  static String[] modelAndVersion(String path) {
    if (!path.startsWith(PREFIX)
        || !path.endsWith(SUFFIX)
        || path.length() <= PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    String[] parts = path.substring(PREFIX.length(), path.length() - SUFFIX.length()).split("/");
    if (parts[0].isEmpty()) {
      return null;
    }
    if (parts.length == 1) {
      return new String[] {parts[0], ""};
    }
    if (parts.length == 3
        && (parts[1].equals("versions") || parts[1].equals("labels"))
        && !parts[2].isEmpty()) {
      return new String[] {parts[0], parts[2]};
    }
    return null;
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    String[] mv = modelAndVersion(exchange.path());
    List<Map<String, Value>> features =
        features(
            exchange.requestBody(), exchange.requestTruncated(), exchange.requestHeaders(), errors);
    List<Map<String, Value>> outputs = List.of();
    int status = exchange.status();
    if (exchange.proxyError().isEmpty() && status >= 200 && status < 300) {
      outputs =
          outputs(
              exchange.responseBody(),
              exchange.responseTruncated(),
              exchange.responseHeaders(),
              errors);
    } else if (exchange.proxyError().isEmpty()) {
      errors.add(JsonBodies.errorResponse(status, exchange.responseBody()));
    }
    return new Payload(
        mv == null ? "" : mv[0],
        mv == null ? "" : mv[1],
        Rows.zip(features, outputs, errors),
        errors);
  }

  /**
   * The feature rows of a request body; empty (with the reason in {@code errors}) if unreadable.
   */
  static List<Map<String, Value>> features(
      byte[] body, boolean truncated, Map<String, String> headers, List<String> errors) {
    JsonNode root = JsonBodies.readObject("request", body, truncated, headers, errors);
    if (root == null) {
      return List.of();
    }
    JsonNode instances = root.get("instances");
    if (instances != null) {
      if (!instances.isArray()) {
        errors.add("request: instances is not an array");
        return List.of();
      }
      return rows(instances, "f");
    }
    JsonNode inputs = root.get("inputs");
    if (inputs != null) {
      return columns("request", inputs, "f", errors);
    }
    errors.add("request: no instances or inputs");
    return List.of();
  }

  /**
   * The output rows of a response body; empty (with the reason in {@code errors}) if unreadable.
   */
  static List<Map<String, Value>> outputs(
      byte[] body, boolean truncated, Map<String, String> headers, List<String> errors) {
    JsonNode root = JsonBodies.readObject("response", body, truncated, headers, errors);
    if (root == null) {
      return List.of();
    }
    JsonNode predictions = root.get("predictions");
    if (predictions != null) {
      if (!predictions.isArray()) {
        errors.add("response: predictions is not an array");
        return List.of();
      }
      return rows(predictions, null);
    }
    JsonNode outputs = root.get("outputs");
    if (outputs != null) {
      return columns("response", outputs, null, errors);
    }
    errors.add("response: no predictions or outputs");
    return List.of();
  }

  /**
   * One row per element: objects give named values; other elements are named {@code f0…fn} (an
   * array, one name per element) or {@code f0} when {@code positional} is "f", and {@link
   * #PREDICTION} (the element as one value) when it is null.
   */
  private static List<Map<String, Value>> rows(JsonNode array, String positional) {
    List<Map<String, Value>> rows = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      rows.add(row(element, positional));
    }
    return rows;
  }

  private static Map<String, Value> row(JsonNode element, String positional) {
    Map<String, Value> row = new LinkedHashMap<>();
    if (element.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = element.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        row.put(f.getKey(), JsonBodies.value(f.getValue()));
      }
    } else if (positional == null) {
      row.put(PREDICTION, JsonBodies.value(element));
    } else if (element.isArray()) {
      for (int i = 0; i < element.size(); i++) {
        row.put(positional + i, JsonBodies.value(element.get(i)));
      }
    } else {
      row.put(positional + 0, JsonBodies.value(element));
    }
    return row;
  }

  /** Columnar data: a map of batch-first named tensors, or one unnamed batch-first tensor. */
  private static List<Map<String, Value>> columns(
      String side, JsonNode columns, String positional, List<String> errors) {
    if (columns.isArray()) {
      return rows(columns, positional);
    }
    if (!columns.isObject()) {
      // A single scalar input: one row.
      List<Map<String, Value>> one = new ArrayList<>();
      one.add(row(columns, positional));
      return one;
    }
    List<Map<String, Value>> rows = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = columns.fields();
    int batch = -1;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> column = fields.next();
      JsonNode data = column.getValue();
      int n = data.isArray() ? data.size() : 1;
      if (batch >= 0 && n != batch) {
        errors.add(
            side
                + ": "
                + (positional == null ? "output" : "input")
                + " '"
                + JsonBodies.clip(column.getKey())
                + "' has "
                + n
                + " rows, others "
                + batch);
      }
      batch = Math.max(batch, n);
      for (int r = 0; r < n; r++) {
        while (rows.size() <= r) {
          rows.add(new LinkedHashMap<>());
        }
        rows.get(r).put(column.getKey(), JsonBodies.value(data.isArray() ? data.get(r) : data));
      }
    }
    return rows;
  }
}
