package io.driftwatch.sidecar.injector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of RFC 6902 the injector uses ({@code add}, {@code replace}), applied the way the API
 * server applies it: a missing parent, a bad index or a replace of nothing fails the whole patch.
 * Independent of the production code on purpose.
 */
final class JsonPatch {
  private JsonPatch() {}

  /** A copy of {@code document} with {@code patch} applied. */
  static JsonNode apply(JsonNode document, JsonNode patch) {
    if (!patch.isArray()) {
      throw new IllegalArgumentException("a patch is an array: " + patch);
    }
    JsonNode doc = document.deepCopy();
    for (JsonNode op : patch) {
      String kind = op.path("op").asText();
      List<String> tokens = pointer(op.path("path").asText(null));
      JsonNode value = op.get("value");
      if (value == null) {
        throw new IllegalArgumentException("no value: " + op);
      }
      if (tokens.isEmpty()) {
        throw new IllegalArgumentException("replacing the whole document is not expected: " + op);
      }
      JsonNode parent = doc;
      for (String t : tokens.subList(0, tokens.size() - 1)) {
        parent = child(parent, t, op);
      }
      String last = tokens.get(tokens.size() - 1);
      switch (kind) {
        case "add" -> add(parent, last, value.deepCopy(), op);
        case "replace" -> replace(parent, last, value.deepCopy(), op);
        default -> throw new IllegalArgumentException("unexpected op: " + op);
      }
    }
    return doc;
  }

  private static List<String> pointer(String path) {
    if (path == null || (!path.isEmpty() && !path.startsWith("/"))) {
      throw new IllegalArgumentException("not a JSON pointer: " + path);
    }
    List<String> tokens = new ArrayList<>();
    if (path.isEmpty()) {
      return tokens;
    }
    for (String raw : path.substring(1).split("/", -1)) {
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static JsonNode child(JsonNode parent, String token, JsonNode op) {
    JsonNode c;
    if (parent.isObject()) {
      c = parent.get(token);
    } else if (parent.isArray()) {
      c = parent.get(index(token, parent.size() - 1, op));
    } else {
      c = null;
    }
    if (c == null) {
      throw new IllegalArgumentException("path does not exist: " + op);
    }
    return c;
  }

  private static int index(String token, int max, JsonNode op) {
    if (!token.matches("0|[1-9][0-9]*") || Integer.parseInt(token) > max) {
      throw new IllegalArgumentException("bad array index " + token + ": " + op);
    }
    return Integer.parseInt(token);
  }

  private static void add(JsonNode parent, String token, JsonNode value, JsonNode op) {
    if (parent instanceof ObjectNode o) {
      o.set(token, value);
    } else if (parent instanceof ArrayNode a) {
      if (token.equals("-")) {
        a.add(value);
      } else {
        a.insert(index(token, a.size(), op), value);
      }
    } else {
      throw new IllegalArgumentException("parent is not a container: " + op);
    }
  }

  private static void replace(JsonNode parent, String token, JsonNode value, JsonNode op) {
    if (parent instanceof ObjectNode o && o.has(token)) {
      o.set(token, value);
    } else if (parent instanceof ArrayNode a) {
      a.set(index(token, a.size() - 1, op), value);
    } else {
      throw new IllegalArgumentException("nothing to replace: " + op);
    }
  }
}
