package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the KServe v2 / Open Inference Protocol REST inference call: {@code POST
 * /v2/models/{name}[/versions/{version}]/infer} with JSON {@code inputs[]} and {@code outputs[]}
 * tensors.
 *
 * <p>Dimension 0 of every tensor is the batch: a tensor of shape {@code [B]} or {@code [B, 1]}
 * gives one scalar per row, {@code [B, k, …]} with more than one element per row gives a list of
 * numbers per row (an embedding, per-class scores). Values: numeric types → number, {@code BOOL} →
 * flag (a list of 0/1 when several per row), {@code BYTES} → text (a JSON array text when several
 * per row), JSON null → null. Data may be flat or nested (row-major), as the protocol allows.
 * Tensors sent with the binary-data extension are reported in the errors, not read.
 */
public final class KServeV2Parser implements ExchangeParser {
  private static final String PREFIX = "/v2/models/";
  private static final String SUFFIX = "/infer";
  private static final String VERSIONS = "/versions/";

  @Override
  public Protocol protocol() {
    return Protocol.KSERVE_V2_REST;
  }

  @Override
  public boolean matches(String method, String path) {
    return "POST".equals(method) && modelAndVersion(path) != null;
  }

  /** {name, version} from an inference path (version empty when absent); null for other paths. */
  static String[] modelAndVersion(String path) {
    if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
      return null;
    }
    if (path.length() <= PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    String middle = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    String name = middle;
    String version = "";
    int v = middle.indexOf(VERSIONS);
    if (v >= 0) {
      name = middle.substring(0, v);
      version = middle.substring(v + VERSIONS.length());
      if (version.isEmpty() || version.indexOf('/') >= 0) {
        return null;
      }
    }
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      return null;
    }
    return new String[] {name, version};
  }

  @Override
  public Payload parse(Exchange exchange) {
    List<String> errors = new ArrayList<>();
    String[] mv = modelAndVersion(exchange.path());
    String model = mv == null ? "" : mv[0];
    String version = mv == null ? "" : mv[1];

    List<Map<String, Value>> featureRows =
        readTensors(
            "request",
            "inputs",
            exchange.requestBody(),
            exchange.requestTruncated(),
            exchange.requestHeaders(),
            errors,
            null);

    List<Map<String, Value>> outputRows = List.of();
    int status = exchange.status();
    boolean modelAnswered = exchange.proxyError().isEmpty();
    if (modelAnswered && status >= 200 && status < 300) {
      JsonNode[] root = new JsonNode[1];
      outputRows =
          readTensors(
              "response",
              "outputs",
              exchange.responseBody(),
              exchange.responseTruncated(),
              exchange.responseHeaders(),
              errors,
              root);
      if (root[0] != null) {
        if (model.isEmpty()) {
          model = root[0].path("model_name").asText("");
        }
        if (version.isEmpty()) {
          version = root[0].path("model_version").asText("");
        }
      }
    } else if (modelAnswered) {
      errors.add(errorResponse(exchange));
    }

    List<Row> out = Rows.zip(featureRows, outputRows, errors);
    return new Payload(model, version, out, errors);
  }

  /** The error description of a non-2xx answer from the model: its {@code error} text if any. */
  static String errorResponse(Exchange exchange) {
    return JsonBodies.errorResponse(exchange.status(), exchange.responseBody());
  }

  /**
   * Reads the tensors of one side into rows.
   *
   * @param side "request" or "response", the prefix of error messages
   * @param field "inputs" or "outputs"
   * @param rootOut when not null, receives the parsed JSON root
   * @return one map per batch row, empty when nothing could be read
   */
  static List<Map<String, Value>> readTensors(
      String side,
      String field,
      byte[] body,
      boolean truncated,
      Map<String, String> headers,
      List<String> errors,
      JsonNode[] rootOut) {
    String encoding = headers.getOrDefault("content-encoding", "");
    if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
      errors.add(side + ": content-encoding " + JsonBodies.clip(encoding) + " not read");
      return List.of();
    }
    int jsonLength = body.length;
    String binaryHeader = headers.get("inference-header-content-length");
    if (binaryHeader != null) {
      try {
        jsonLength = Math.min(body.length, Integer.parseInt(binaryHeader.trim()));
      } catch (NumberFormatException e) {
        errors.add(
            side
                + ": inference-header-content-length "
                + JsonBodies.clip(binaryHeader)
                + " not read");
        return List.of();
      }
    }
    if (jsonLength == 0) {
      errors.add(side + ": empty body");
      return List.of();
    }
    if (!JsonBodies.looksLikeJson(body)) {
      errors.add(side + ": not JSON");
      return List.of();
    }
    JsonNode root;
    try {
      root = JsonBodies.JSON.readTree(body, 0, jsonLength);
    } catch (JacksonException e) {
      if (truncated) {
        errors.add(side + ": truncated at " + body.length + " bytes, not read");
      } else {
        errors.add(side + ": malformed JSON" + JsonBodies.where(e.getLocation()));
      }
      return List.of();
    } catch (IOException e) {
      errors.add(side + ": unreadable (" + JsonBodies.clip(e.getMessage()) + ")");
      return List.of();
    }
    if (root == null || !root.isObject()) {
      errors.add(side + ": JSON is not an object");
      return List.of();
    }
    if (rootOut != null) {
      rootOut[0] = root;
    }
    JsonNode tensors = root.get(field);
    if (tensors == null || !tensors.isArray()) {
      errors.add(side + ": no " + field + " array");
      return List.of();
    }
    List<Map<String, Value>> rows = new ArrayList<>();
    for (JsonNode tensor : tensors) {
      readTensor(side, tensor, rows, errors);
    }
    return rows;
  }

  private static void readTensor(
      String side, JsonNode tensor, List<Map<String, Value>> rows, List<String> errors) {
    String name = tensor.path("name").asText("");
    if (name.isEmpty()) {
      errors.add(side + ": tensor without a name");
      return;
    }
    String datatype = tensor.path("datatype").asText("").toUpperCase(Locale.ROOT);
    JsonNode data = tensor.get("data");
    if (data == null || data.isNull()) {
      if (tensor.path("parameters").has("binary_data_size")) {
        errors.add(side + ": tensor '" + JsonBodies.clip(name) + "' uses binary data, not read");
      } else {
        errors.add(side + ": tensor '" + JsonBodies.clip(name) + "' has no data");
      }
      return;
    }
    List<JsonNode> flat = new ArrayList<>();
    flatten(data, flat);

    JsonNode shapeNode = tensor.get("shape");
    long[] shape;
    if (shapeNode == null || !shapeNode.isArray()) {
      // Without a shape, a flat list is read as one value per row.
      shape = new long[] {flat.size()};
    } else {
      shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        if (!d.canConvertToLong() || d.asLong() < 0) {
          errors.add(
              side
                  + ": tensor '"
                  + JsonBodies.clip(name)
                  + "' has shape "
                  + JsonBodies.clip(shapeNode.toString()));
          return;
        }
        shape[i] = d.asLong();
      }
    }
    long batch = shape.length == 0 ? 1 : shape[0];
    long perRow = 1;
    long total;
    try {
      for (int i = 1; i < shape.length; i++) {
        perRow = Math.multiplyExact(perRow, shape[i]);
      }
      total = Math.multiplyExact(batch, perRow);
    } catch (ArithmeticException e) {
      total = -1;
    }
    if (total != flat.size()) {
      errors.add(
          side
              + ": tensor '"
              + JsonBodies.clip(name)
              + "' has "
              + flat.size()
              + " values for shape "
              + JsonBodies.clip(shapeNode == null ? "[]" : shapeNode.toString()));
      return;
    }
    boolean list = perRow != 1;
    for (int r = 0; r < batch; r++) {
      while (rows.size() <= r) {
        rows.add(new LinkedHashMap<>());
      }
      int from = (int) (r * perRow);
      Value v =
          list
              ? listValue(flat.subList(from, (int) (from + perRow)), datatype)
              : scalar(flat.get(from), datatype);
      rows.get(r).put(name, v);
    }
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        flatten(child, out);
      }
    } else {
      out.add(node);
    }
  }

  static Value scalar(JsonNode node, String datatype) {
    if (node.isNull()) {
      return Value.newBuilder().setNull(true).build();
    }
    switch (datatype) {
      case "BYTES":
        return Value.newBuilder()
            .setText(node.isTextual() ? node.asText() : node.toString())
            .build();
      case "BOOL":
        if (node.isBoolean()) {
          return Value.newBuilder().setFlag(node.booleanValue()).build();
        }
        if (node.isNumber()) {
          return Value.newBuilder().setFlag(node.doubleValue() != 0.0).build();
        }
        return Value.newBuilder().setText(node.asText()).build();
      default:
        if (node.isNumber()) {
          return Value.newBuilder().setNumber(node.doubleValue()).build();
        }
        if (node.isBoolean()) {
          return Value.newBuilder().setFlag(node.booleanValue()).build();
        }
        if (node.isTextual()) {
          Double d = parseNumber(node.asText());
          return d != null
              ? Value.newBuilder().setNumber(d).build()
              : Value.newBuilder().setText(node.asText()).build();
        }
        return Value.newBuilder().setText(node.toString()).build();
    }
  }

  private static Value listValue(List<JsonNode> nodes, String datatype) {
    if ("BYTES".equals(datatype)) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < nodes.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(nodes.get(i).toString());
      }
      return Value.newBuilder().setText(sb.append(']').toString()).build();
    }
    NumberList.Builder numbers = NumberList.newBuilder();
    for (JsonNode n : nodes) {
      if (n.isNumber()) {
        numbers.addValues(n.doubleValue());
      } else if (n.isBoolean()) {
        numbers.addValues(n.booleanValue() ? 1.0 : 0.0);
      } else {
        Double d = n.isTextual() ? parseNumber(n.asText()) : null;
        numbers.addValues(d != null ? d : Double.NaN);
      }
    }
    return Value.newBuilder().setNumbers(numbers).build();
  }

  private static Double parseNumber(String s) {
    try {
      return Double.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
