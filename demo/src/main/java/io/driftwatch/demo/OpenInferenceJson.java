package io.driftwatch.demo;

import static io.driftwatch.demo.InvalidRequestException.badRequest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON of the Open Inference Protocol (KServe v2) REST API for the credit-risk model: request
 * encoding for the traffic generator, request decoding and validation for the model server, and the
 * server's responses.
 *
 * <p>A request carries one tensor per {@link Feature}, each of shape {@code [B]} or {@code [B, 1]}
 * with {@code B} data elements (flat, or nested one level for {@code [B, 1]}):
 *
 * <pre>{@code
 * {"id": "r-1",
 *  "inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [34.0]}, ...,
 *             {"name": "country", "shape": [1], "datatype": "BYTES", "data": ["US"]}],
 *  "outputs": [{"name": "probability"}]}
 * }</pre>
 *
 * <p>{@code id}, {@code outputs} and any {@code parameters} are optional.
 */
final class OpenInferenceJson {

  /** Output tensor names, in response order. */
  static final String PROBABILITY = "probability";

  static final String LABEL = "label";
  static final List<String> OUTPUTS = List.of(PROBABILITY, LABEL);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A decoded, valid infer request. */
  record InferRequest(String id, List<Applicant> rows, Set<String> outputs) {}

  private OpenInferenceJson() {}

  /**
   * Encodes a request for {@code rows}, leaving out the tensors in {@code omit} (to produce
   * requests the server must reject).
   */
  static byte[] encodeRequest(String id, List<Applicant> rows, Set<Feature> omit) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("id", id);
          json.writeArrayFieldStart("inputs");
          for (Feature feature : Feature.ALL) {
            if (omit.contains(feature)) {
              continue;
            }
            json.writeStartObject();
            json.writeStringField("name", feature.wireName);
            json.writeArrayFieldStart("shape");
            json.writeNumber(rows.size());
            json.writeEndArray();
            json.writeStringField("datatype", feature.datatype.name());
            json.writeArrayFieldStart("data");
            for (Applicant a : rows) {
              switch (feature) {
                case AGE -> json.writeNumber(a.age());
                case INCOME -> json.writeNumber(a.income());
                case CREDIT_SCORE -> json.writeNumber(a.creditScore());
                case TENURE_MONTHS -> json.writeNumber(a.tenureMonths());
                case DEBT_RATIO -> json.writeNumber(a.debtRatio());
                case COUNTRY -> json.writeString(a.country());
                case DEVICE -> json.writeString(a.device());
              }
            }
            json.writeEndArray();
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  /**
   * Decodes and validates an infer request.
   *
   * @param maxBatch the largest batch accepted
   * @throws InvalidRequestException (400) naming the first problem found: invalid JSON, a missing,
   *     unknown or duplicate input, a wrong datatype, shape or element, inconsistent batch sizes,
   *     an unknown requested output
   */
  static InferRequest decodeRequest(byte[] body, int maxBatch) throws InvalidRequestException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw badRequest(
          "invalid JSON" + at(e.getLocation()) + ": " + parserReason(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || root.isMissingNode()) {
      throw badRequest("request body: empty (expected: a JSON object with \"inputs\")");
    }
    if (!root.isObject()) {
      throw badRequest(
          "request body: JSON " + kind(root) + " (expected: a JSON object with \"inputs\")");
    }
    String id = null;
    JsonNode idNode = root.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual()) {
        throw badRequest("id: " + abbreviate(idNode) + " (expected: string)");
      }
      id = idNode.asText();
    }
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray()) {
      throw badRequest(
          "inputs: "
              + (inputs == null ? "missing" : abbreviate(inputs))
              + " (expected: an array with one tensor per input: "
              + Feature.NAMES
              + ")");
    }
    Map<Feature, List<JsonNode>> columns = new EnumMap<>(Feature.class);
    Feature first = null;
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode tensor = inputs.get(i);
      String where = "inputs[" + i + "]";
      if (!tensor.isObject()) {
        throw badRequest(where + ": " + abbreviate(tensor) + " (expected: a tensor object)");
      }
      Feature feature = feature(tensor, where);
      if (columns.containsKey(feature)) {
        throw badRequest(
            where
                + ".name: \""
                + feature.wireName
                + "\" appears twice (expected: one tensor per input)");
      }
      List<JsonNode> data = column(tensor, feature, maxBatch);
      if (first != null && data.size() != columns.get(first).size()) {
        throw badRequest(
            "input "
                + feature.wireName
                + ": batch size "
                + data.size()
                + " (expected: "
                + columns.get(first).size()
                + ", the batch size of "
                + first.wireName
                + ")");
      }
      if (first == null) {
        first = feature;
      }
      columns.put(feature, data);
    }
    if (columns.size() < Feature.ALL.size()) {
      Set<Feature> missing = EnumSet.allOf(Feature.class);
      missing.removeAll(columns.keySet());
      throw badRequest(
          "inputs: missing "
              + names(missing)
              + " (expected: one tensor per input: "
              + Feature.NAMES
              + ")");
    }
    return new InferRequest(id, rows(columns), outputs(root.get("outputs")));
  }

  private static Feature feature(JsonNode tensor, String where) throws InvalidRequestException {
    JsonNode name = tensor.get("name");
    if (name == null || !name.isTextual()) {
      throw badRequest(
          where
              + ".name: "
              + (name == null ? "missing" : abbreviate(name))
              + " (expected: one of "
              + Feature.NAMES
              + ")");
    }
    return Feature.byWireName(name.asText())
        .orElseThrow(
            () ->
                badRequest(
                    where
                        + ".name: "
                        + abbreviate(name)
                        + " is not an input of "
                        + CreditRiskModel.NAME
                        + " (expected: one of "
                        + Feature.NAMES
                        + ")"));
  }

  /** Validates one tensor's datatype, shape and elements, returning its flattened elements. */
  private static List<JsonNode> column(JsonNode tensor, Feature feature, int maxBatch)
      throws InvalidRequestException {
    String where = "input " + feature.wireName;
    JsonNode datatype = tensor.get("datatype");
    if (datatype == null || !datatype.isTextual()) {
      throw badRequest(
          where
              + ": datatype "
              + (datatype == null ? "missing" : abbreviate(datatype))
              + " (expected: \""
              + feature.datatype
              + "\")");
    }
    if (!datatype.asText().equals(feature.datatype.name())) {
      throw badRequest(
          where
              + ": datatype "
              + abbreviate(datatype)
              + " (expected: \""
              + feature.datatype
              + "\")");
    }
    int batch = batchSize(tensor.get("shape"), where, maxBatch);
    JsonNode data = tensor.get("data");
    if (data == null || !data.isArray()) {
      throw badRequest(
          where
              + ": data "
              + (data == null ? "missing" : abbreviate(data))
              + " (expected: an array of "
              + batch
              + " elements)");
    }
    List<JsonNode> elements = new ArrayList<>(batch);
    for (JsonNode element : data) {
      // [B, 1] tensors may arrive nested one level: [[34.0], [51.0]].
      if (element.isArray()) {
        if (element.size() != 1 || element.get(0).isContainerNode()) {
          throw badRequest(
              where
                  + ": data element "
                  + abbreviate(element)
                  + " (expected: a scalar or a one-element array)");
        }
        element = element.get(0);
      }
      if (elements.size() == batch) {
        throw badRequest(
            where + ": more than " + batch + " data elements (expected: " + batch + ")");
      }
      checkElement(element, feature, where + ": data[" + elements.size() + "]");
      elements.add(element);
    }
    if (elements.size() != batch) {
      throw badRequest(where + ": " + elements.size() + " data elements (expected: " + batch + ")");
    }
    return elements;
  }

  private static int batchSize(JsonNode shape, String where, int maxBatch)
      throws InvalidRequestException {
    String expected = " (expected: [B] or [B, 1] with 1 <= B <= " + maxBatch + ")";
    if (shape == null || !shape.isArray()) {
      throw badRequest(
          where + ": shape " + (shape == null ? "missing" : abbreviate(shape)) + expected);
    }
    boolean rankOk = shape.size() == 1 || (shape.size() == 2 && isInt(shape.get(1), 1));
    if (!rankOk || !shape.get(0).canConvertToExactIntegral()) {
      throw badRequest(where + ": shape " + abbreviate(shape) + expected);
    }
    long batch = shape.get(0).asLong();
    if (batch < 1 || batch > maxBatch) {
      throw badRequest(where + ": shape " + abbreviate(shape) + expected);
    }
    return (int) batch;
  }

  private static boolean isInt(JsonNode node, long value) {
    return node.canConvertToExactIntegral() && node.asLong() == value;
  }

  private static void checkElement(JsonNode element, Feature feature, String where)
      throws InvalidRequestException {
    switch (feature.datatype) {
      case FP64, FP32 -> {
        if (!element.isNumber() || !Double.isFinite(element.doubleValue())) {
          throw badRequest(where + " = " + abbreviate(element) + " (expected: a finite number)");
        }
      }
      case INT64 -> {
        if (!element.isNumber()
            || !element.canConvertToExactIntegral()
            || !element.canConvertToLong()) {
          throw badRequest(where + " = " + abbreviate(element) + " (expected: a 64-bit integer)");
        }
      }
      case BYTES -> {
        if (!element.isTextual()) {
          throw badRequest(where + " = " + abbreviate(element) + " (expected: a string)");
        }
      }
    }
  }

  private static List<Applicant> rows(Map<Feature, List<JsonNode>> columns) {
    int batch = columns.get(Feature.AGE).size();
    List<Applicant> rows = new ArrayList<>(batch);
    for (int r = 0; r < batch; r++) {
      rows.add(
          new Applicant(
              columns.get(Feature.AGE).get(r).doubleValue(),
              columns.get(Feature.INCOME).get(r).doubleValue(),
              columns.get(Feature.CREDIT_SCORE).get(r).asLong(),
              columns.get(Feature.TENURE_MONTHS).get(r).asLong(),
              columns.get(Feature.DEBT_RATIO).get(r).doubleValue(),
              columns.get(Feature.COUNTRY).get(r).asText(),
              columns.get(Feature.DEVICE).get(r).asText()));
    }
    return rows;
  }

  private static Set<String> outputs(JsonNode outputs) throws InvalidRequestException {
    if (outputs == null || outputs.isNull()) {
      return new LinkedHashSet<>(OUTPUTS);
    }
    String expected = " (expected: one of " + String.join(", ", OUTPUTS) + ")";
    if (!outputs.isArray()) {
      throw badRequest(
          "outputs: " + abbreviate(outputs) + " (expected: an array of {\"name\": ...})");
    }
    Set<String> requested = new LinkedHashSet<>();
    for (int i = 0; i < outputs.size(); i++) {
      JsonNode name = outputs.get(i).get("name");
      if (name == null || !name.isTextual() || !OUTPUTS.contains(name.asText())) {
        throw badRequest(
            "outputs[" + i + "].name: " + (name == null ? "missing" : abbreviate(name)) + expected);
      }
      requested.add(name.asText());
    }
    if (requested.isEmpty()) {
      // The spec reads an empty list like an absent one: return every output.
      requested.addAll(OUTPUTS);
    }
    // Respond in the model's output order whatever order they were asked in.
    return OUTPUTS.stream()
        .filter(requested::contains)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Encodes the response to a valid request: {@code probability} FP32 and {@code label} BYTES. */
  static byte[] encodeResponse(String id, float[] probabilities, Set<String> outputs) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("model_name", CreditRiskModel.NAME);
          json.writeStringField("model_version", CreditRiskModel.VERSION);
          json.writeStringField("id", id);
          json.writeArrayFieldStart("outputs");
          if (outputs.contains(PROBABILITY)) {
            startTensor(json, PROBABILITY, Datatype.FP32, probabilities.length);
            for (float p : probabilities) {
              json.writeNumber(p);
            }
            json.writeEndArray();
            json.writeEndObject();
          }
          if (outputs.contains(LABEL)) {
            startTensor(json, LABEL, Datatype.BYTES, probabilities.length);
            for (float p : probabilities) {
              json.writeString(CreditRiskModel.label(p));
            }
            json.writeEndArray();
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  private static void startTensor(JsonGenerator json, String name, Datatype datatype, int rows)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("name", name);
    json.writeArrayFieldStart("shape");
    json.writeNumber(rows);
    json.writeEndArray();
    json.writeStringField("datatype", datatype.name());
    json.writeArrayFieldStart("data");
  }

  /**
   * The model metadata: name, versions, platform and the input and output tensors, with {@code -1}
   * for the variable batch dimension.
   */
  static byte[] modelMetadata() {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("name", CreditRiskModel.NAME);
          json.writeArrayFieldStart("versions");
          json.writeString(CreditRiskModel.VERSION);
          json.writeEndArray();
          json.writeStringField("platform", "onnxruntime");
          json.writeArrayFieldStart("inputs");
          for (Feature feature : Feature.ALL) {
            tensorMetadata(json, feature.wireName, feature.datatype);
          }
          json.writeEndArray();
          json.writeArrayFieldStart("outputs");
          tensorMetadata(json, PROBABILITY, Datatype.FP32);
          tensorMetadata(json, LABEL, Datatype.BYTES);
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  private static void tensorMetadata(JsonGenerator json, String name, Datatype datatype)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("name", name);
    json.writeStringField("datatype", datatype.name());
    json.writeArrayFieldStart("shape");
    json.writeNumber(-1);
    json.writeEndArray();
    json.writeEndObject();
  }

  /** A JSON object of boolean or string fields, e.g. {@code {"live": true}}. */
  static byte[] object(Map<String, ?> fields) {
    return write(
        json -> {
          json.writeStartObject();
          for (Map.Entry<String, ?> field : fields.entrySet()) {
            if (field.getValue() instanceof Boolean b) {
              json.writeBooleanField(field.getKey(), b);
            } else if (field.getValue() instanceof Collection<?> values) {
              json.writeArrayFieldStart(field.getKey());
              for (Object value : values) {
                json.writeString(String.valueOf(value));
              }
              json.writeEndArray();
            } else {
              json.writeStringField(field.getKey(), String.valueOf(field.getValue()));
            }
          }
          json.writeEndObject();
        });
  }

  /** The Open Inference Protocol error body: {@code {"error": "<reason>"}}. */
  static byte[] error(String reason) {
    return object(Map.of("error", reason));
  }

  @FunctionalInterface
  private interface Body {
    void writeTo(JsonGenerator json) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(bytes)) {
      body.writeTo(json);
    } catch (IOException e) {
      // Writing to memory does not fail; this only satisfies the checked signature.
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String names(Set<Feature> features) {
    return features.stream().map(f -> f.wireName).collect(Collectors.joining(", "));
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** Jackson's reason without its source-location suffix, which repeats what {@link #at} says. */
  private static String parserReason(String message) {
    String reason = message == null ? "malformed" : message;
    int marker = reason.indexOf(" (start marker at");
    if (marker >= 0) {
      reason = reason.substring(0, marker);
    }
    return cut(reason, 200);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** The node as JSON, cut to a length that keeps error messages short whatever the client sent. */
  private static String abbreviate(JsonNode node) {
    return cut(node.toString(), 60);
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
