package io.driftwatch.sidecar.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code POST /v1/labels}: one JSON object or an array of them, each {@code
 * {"prediction_id", "model", "version", "label", "timestamp"}}. All of a body is accepted or none
 * is, with the first problem named ({@code labels[2].label: missing}).
 *
 * <ul>
 *   <li>{@code prediction_id}: required, a non-empty text of at most 256 characters without control
 *       characters (as the sidecar returned it in {@code x-prediction-id}, with {@code /<row>} for
 *       a batch row);
 *   <li>{@code model}: a non-empty text; may be left out when the sidecar is configured with a
 *       {@code model};
 *   <li>{@code version}: a text; left out, the sidecar's {@code model.version}, else empty;
 *   <li>{@code label}: a number, a text, a boolean or an array of numbers;
 *   <li>{@code timestamp}: optional; seconds since the Unix epoch (a number, fractions allowed) or
 *       RFC 3339 text; left out, the time the sidecar received it.
 * </ul>
 *
 * Other fields are ignored.
 */
final class LabelRequests {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final int MAX_ID_CHARS = 256;

  /** Numbers above this are surely milliseconds (year 5138 in seconds), not seconds. */
  private static final double MAX_EPOCH_SECONDS = 1e11;

  private LabelRequests() {}

  /**
   * What a body held: labels, or why it was refused.
   *
   * @param labels the labels when the body was valid; empty otherwise
   * @param error the first problem; null when valid
   */
  record Parsed(List<LabelRecord> labels, String error) {
    static Parsed refused(String error) {
      return new Parsed(List.of(), error);
    }
  }

  /**
   * @param defaultModel the model of labels that name none; empty to require it
   * @param defaultVersion the version of labels that name none
   * @param nowMicros the timestamp of labels without one, Unix epoch, microseconds
   */
  static Parsed parse(byte[] body, String defaultModel, String defaultVersion, long nowMicros) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      return Parsed.refused("body: not JSON (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      return Parsed.refused("body: unreadable");
    }
    if (root == null || root.isMissingNode()) {
      return Parsed.refused("body: empty (expected: a label object or an array of them)");
    }
    List<LabelRecord> out = new ArrayList<>();
    if (root.isObject()) {
      String error = read(root, "", defaultModel, defaultVersion, nowMicros, out);
      return error == null ? new Parsed(out, null) : Parsed.refused(error);
    }
    if (!root.isArray() || root.isEmpty()) {
      return Parsed.refused(
          "body: " + kind(root) + " (expected: a label object or an array of them)");
    }
    for (int i = 0; i < root.size(); i++) {
      JsonNode item = root.get(i);
      String where = "labels[" + i + "].";
      if (!item.isObject()) {
        return Parsed.refused("labels[" + i + "]: " + kind(item) + " (expected: an object)");
      }
      String error = read(item, where, defaultModel, defaultVersion, nowMicros, out);
      if (error != null) {
        return Parsed.refused(error);
      }
    }
    return new Parsed(out, null);
  }

  private static String read(
      JsonNode item,
      String where,
      String defaultModel,
      String defaultVersion,
      long nowMicros,
      List<LabelRecord> out) {
    JsonNode id = item.get("prediction_id");
    if (id == null || id.isNull()) {
      return where + "prediction_id: missing";
    }
    if (!id.isTextual() || !isUsableId(id.asText())) {
      return where
          + "prediction_id: "
          + clip(id.toString())
          + " (expected: a text of 1 to 256 characters without control characters)";
    }
    String model = defaultModel;
    JsonNode m = item.get("model");
    if (m != null && !m.isNull()) {
      if (!m.isTextual() || m.asText().isEmpty()) {
        return where + "model: " + clip(m.toString()) + " (expected: a non-empty text)";
      }
      model = m.asText();
    }
    if (model.isEmpty()) {
      return where + "model: missing";
    }
    String version = defaultVersion;
    JsonNode v = item.get("version");
    if (v != null && !v.isNull()) {
      if (!v.isTextual()) {
        return where + "version: " + clip(v.toString()) + " (expected: a text)";
      }
      version = v.asText();
    }
    JsonNode l = item.get("label");
    if (l == null || l.isNull()) {
      return where + "label: missing";
    }
    Value label = label(l);
    if (label == null) {
      return where
          + "label: "
          + clip(l.toString())
          + " (expected: a number, a text, a boolean or an array of numbers)";
    }
    long timestamp = nowMicros;
    JsonNode t = item.get("timestamp");
    if (t != null && !t.isNull()) {
      timestamp = timestampMicros(t);
      if (timestamp <= 0) {
        return where
            + "timestamp: "
            + clip(t.toString())
            + " (expected: seconds since the Unix epoch, or RFC 3339 text such as"
            + " 2024-05-01T12:00:00Z)";
      }
    }
    out.add(
        LabelRecord.newBuilder()
            .setSchemaVersion(Records.SCHEMA_VERSION)
            .setPredictionId(id.asText())
            .setModel(model)
            .setModelVersion(version)
            .setLabel(label)
            .setTimestampMicros(timestamp)
            .build());
    return null;
  }

  private static Value label(JsonNode l) {
    if (l.isNumber()) {
      double d = l.doubleValue();
      return Double.isFinite(d) ? Value.newBuilder().setNumber(d).build() : null;
    }
    if (l.isTextual()) {
      return Value.newBuilder().setText(l.asText()).build();
    }
    if (l.isBoolean()) {
      return Value.newBuilder().setFlag(l.booleanValue()).build();
    }
    if (l.isArray() && !l.isEmpty()) {
      NumberList.Builder numbers = NumberList.newBuilder();
      for (JsonNode n : l) {
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
          return null;
        }
        numbers.addValues(n.doubleValue());
      }
      return Value.newBuilder().setNumbers(numbers).build();
    }
    return null;
  }

  /** Microseconds since the epoch, or -1 when the value is not a timestamp. */
  private static long timestampMicros(JsonNode t) {
    if (t.isNumber()) {
      double s = t.doubleValue();
      if (!(s > 0 && s < MAX_EPOCH_SECONDS)) {
        return -1;
      }
      return Math.round(s * 1e6);
    }
    if (t.isTextual()) {
      try {
        var instant = OffsetDateTime.parse(t.asText()).toInstant();
        long micros = instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
        return micros > 0 ? micros : -1;
      } catch (DateTimeParseException | ArithmeticException e) {
        return -1;
      }
    }
    return -1;
  }

  static boolean isUsableId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return node.isEmpty() ? "an empty array" : "an array";
    }
    return node.isTextual()
        ? "a text"
        : node.isNumber() ? "a number" : node.isBoolean() ? "a boolean" : "null";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return clip(nl >= 0 ? s.substring(0, nl) : s);
  }

  private static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
