package io.driftwatch.sidecar.capture;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.Value;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reading captured JSON bodies the way every parser does: never throwing, describing what could not
 * be read in an error list ({@code request: not JSON}, {@code response: truncated at …}), and
 * turning JSON values into record values.
 */
final class JsonBodies {
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Longer texts (a nested object written as a feature) are cut to this many characters. */
  static final int MAX_TEXT_CHARS = 1024;

  private static final int MAX_MESSAGE_CHARS = 200;

  private JsonBodies() {}

  /**
   * Reads a body as one JSON object.
   *
   * @param side "request" or "response", the prefix of error messages
   * @return the object, or null when it could not be read (the reason is added to {@code errors})
   */
  static JsonNode readObject(
      String side,
      byte[] body,
      boolean truncated,
      Map<String, String> headers,
      List<String> errors) {
    JsonNode root = readJson(side, body, truncated, headers, errors);
    if (root != null && !root.isObject()) {
      errors.add(side + ": JSON is not an object");
      return null;
    }
    return root;
  }

  /** Reads a body as a JSON object or array; null (reason in {@code errors}) when it is neither. */
  static JsonNode readJson(
      String side,
      byte[] body,
      boolean truncated,
      Map<String, String> headers,
      List<String> errors) {
    String encoding = headers.getOrDefault("content-encoding", "");
    if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
      errors.add(side + ": content-encoding " + clip(encoding) + " not read");
      return null;
    }
    if (body.length == 0) {
      errors.add(side + ": empty body");
      return null;
    }
    if (!looksLikeJson(body)) {
      errors.add(side + ": not JSON");
      return null;
    }
    return parse(side, body, 0, body.length, truncated, errors);
  }

  /** Parses a slice; null (with the reason in {@code errors}) when it is not valid JSON. */
  static JsonNode parse(
      String side, byte[] body, int offset, int length, boolean truncated, List<String> errors) {
    try {
      JsonNode root = JSON.readTree(body, offset, length);
      if (root == null || root.isMissingNode()) {
        errors.add(side + ": empty body");
        return null;
      }
      return root;
    } catch (JacksonException e) {
      if (truncated) {
        errors.add(side + ": truncated at " + length + " bytes, not read");
      } else {
        errors.add(side + ": malformed JSON" + where(e.getLocation()));
      }
    } catch (IOException e) {
      errors.add(side + ": unreadable (" + clip(e.getMessage()) + ")");
    }
    return null;
  }

  /**
   * The description of a non-2xx answer: {@code response: status N}, plus the model's message when
   * the body is JSON with a text {@code error} or an {@code error.message} (OpenAI).
   */
  static String errorResponse(int status, byte[] body) {
    String base = "response: status " + status;
    if (body.length == 0 || !looksLikeJson(body)) {
      return base;
    }
    try {
      JsonNode root = JSON.readTree(body);
      String message = errorMessage(root);
      if (message != null) {
        return base + ": " + clip(message);
      }
    } catch (IOException e) {
      // The status says enough; a malformed error body adds nothing readable.
    }
    return base;
  }

  /** The text of {@code error} or {@code error.message}; null when there is none. */
  static String errorMessage(JsonNode root) {
    JsonNode error = root == null ? null : root.get("error");
    if (error == null) {
      return null;
    }
    if (error.isTextual()) {
      return error.asText();
    }
    JsonNode message = error.get("message");
    return message != null && message.isTextual() ? message.asText() : null;
  }

  /**
   * A JSON value as a record value: number, text, flag, null; an array of numbers (or flags) as a
   * list of numbers; any other array or object as its compact JSON text, cut at {@link
   * #MAX_TEXT_CHARS}.
   */
  static Value value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Value.newBuilder().setNull(true).build();
    }
    if (node.isNumber()) {
      return Value.newBuilder().setNumber(node.doubleValue()).build();
    }
    if (node.isBoolean()) {
      return Value.newBuilder().setFlag(node.booleanValue()).build();
    }
    if (node.isTextual()) {
      return Value.newBuilder().setText(node.asText()).build();
    }
    if (node.isArray() && !node.isEmpty() && allNumeric(node)) {
      NumberList.Builder numbers = NumberList.newBuilder();
      for (JsonNode n : node) {
        numbers.addValues(n.isBoolean() ? (n.booleanValue() ? 1.0 : 0.0) : n.doubleValue());
      }
      return Value.newBuilder().setNumbers(numbers).build();
    }
    return Value.newBuilder().setText(cut(node.toString())).build();
  }

  private static boolean allNumeric(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isNumber() && !n.isBoolean()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the first non-blank byte opens a JSON object or array. */
  static boolean looksLikeJson(byte[] body) {
    for (byte b : body) {
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
        continue;
      }
      return b == '{' || b == '[';
    }
    return false;
  }

  static String where(JsonLocation location) {
    if (location == null || location.getByteOffset() < 0) {
      return "";
    }
    return " at byte " + location.getByteOffset();
  }

  /** A message fragment cut to 200 characters. */
  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "…";
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT_CHARS ? s : s.substring(0, MAX_TEXT_CHARS);
  }
}
