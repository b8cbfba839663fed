package io.driftwatch.sidecar.injector;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftwatch.sidecar.SidecarConfig;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pod annotations the injector reads, and the settings they yield. Every problem is reported as
 * {@code annotation: value (expected: …)} with the value shortened and made printable, because it
 * goes back to the user as an admission warning.
 */
final class Annotations {
  static final String PREFIX = "driftwatch.io/";
  static final String INJECT = PREFIX + "inject";
  static final String MODEL = PREFIX + "model";
  static final String VERSION = PREFIX + "version";
  static final String PROTOCOL = PREFIX + "protocol";
  static final String SAMPLING_RATE = PREFIX + "sampling-rate";
  static final String PORT = PREFIX + "port";
  static final String GRPC_PORT = PREFIX + "grpc-port";
  static final String OTLP_ENDPOINT = PREFIX + "otlp-endpoint";
  static final String STATUS = PREFIX + "status";

  private static final Set<String> KNOWN =
      Set.of(
          INJECT, MODEL, VERSION, PROTOCOL, SAMPLING_RATE, PORT, GRPC_PORT, OTLP_ENDPOINT, STATUS);
  private static final Pattern RATE = Pattern.compile("0|1|0?\\.\\d{1,9}|1\\.0{1,9}");
  private static final Pattern PORT_NUMBER = Pattern.compile("\\d{1,5}");
  // IANA_SVC_NAME, as Kubernetes checks port names.
  private static final Pattern PORT_NAME =
      Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final int MAX_NAME = 253;
  private static final int MAX_ECHO = 64;

  private Annotations() {}

  /** What {@code driftwatch.io/inject} asks for. */
  enum Request {
    ABSENT,
    INJECT,
    NO,
    INVALID
  }

  /** The answer of {@code driftwatch.io/inject} in an annotations object (or a missing node). */
  static Request request(JsonNode annotations) {
    JsonNode v = annotations.get(INJECT);
    if (v == null || v.isNull()) {
      return Request.ABSENT;
    }
    if (!v.isTextual()) {
      return Request.INVALID;
    }
    return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> Request.INJECT;
      case "false" -> Request.NO;
      default -> Request.INVALID;
    };
  }

  /** The problem with a {@code driftwatch.io/inject} value that is neither true nor false. */
  static String injectProblem(JsonNode annotations) {
    return problem(INJECT, annotations.get(INJECT), "true or false");
  }

  /**
   * Reads model, version, protocol and sampling rate. Problems are added to {@code problems}; the
   * result is only meaningful when none were added.
   */
  static Settings settings(JsonNode annotations, List<String> problems) {
    String model = name(annotations, MODEL, problems);
    String version = name(annotations, VERSION, problems);
    String protocol = "";
    JsonNode p = annotations.get(PROTOCOL);
    if (present(p)) {
      String v = p.isTextual() ? p.asText().trim().toLowerCase(Locale.ROOT) : null;
      String refusal = v == null ? "text" : sidecarRefusal("protocol", v);
      if (refusal != null) {
        problems.add(problem(PROTOCOL, p, refusal));
      } else {
        protocol = v;
      }
    }
    String rate = "";
    JsonNode r = annotations.get(SAMPLING_RATE);
    if (present(r)) {
      String v = r.isTextual() ? r.asText().trim() : null;
      if (v == null || !RATE.matcher(v).matches()) {
        problems.add(problem(SAMPLING_RATE, r, "a decimal from 0 to 1, e.g. 0.1"));
      } else {
        rate = v;
      }
    }
    String otlp = "";
    JsonNode o = annotations.get(OTLP_ENDPOINT);
    if (present(o)) {
      String v = o.isTextual() ? o.asText().trim() : null;
      String refusal = v == null ? "text" : sidecarRefusal("otlp.endpoint", v);
      if (refusal != null) {
        problems.add(problem(OTLP_ENDPOINT, o, refusal));
      } else {
        otlp = v;
      }
    }
    return new Settings(model, version, protocol, rate, otlp);
  }

  /**
   * The {@code driftwatch.io/port} annotation: a port number, a port name, or {@code null} when
   * absent. A malformed value adds a problem and returns {@code null}.
   */
  static PortRef port(JsonNode annotations, List<String> problems) {
    return port(annotations, PORT, "the model server's port", problems);
  }

  /**
   * The {@code driftwatch.io/grpc-port} annotation: the model server's gRPC (h2c) port, read like
   * {@link #port}.
   */
  static PortRef grpcPort(JsonNode annotations, List<String> problems) {
    return port(annotations, GRPC_PORT, "the model server's gRPC port", problems);
  }

  private static PortRef port(
      JsonNode annotations, String annotation, String what, List<String> problems) {
    JsonNode p = annotations.get(annotation);
    if (!present(p)) {
      return null;
    }
    String v = p.isTextual() ? p.asText().trim() : "";
    if (PORT_NUMBER.matcher(v).matches()) {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 65535) {
        return new PortRef(n, null);
      }
    } else if (v.length() <= 15 && PORT_NAME.matcher(v).matches()) {
      return new PortRef(0, v);
    }
    problems.add(problem(annotation, p, what + ": 1 to 65535, or a container port name"));
    return null;
  }

  /** Problems with {@code driftwatch.io/*} annotations this injector does not know (typos). */
  static void unknown(JsonNode annotations, List<String> warnings) {
    for (Iterator<String> it = annotations.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (name.startsWith(PREFIX) && !KNOWN.contains(name)) {
        warnings.add(
            "driftwatch: unknown annotation "
                + echo(name)
                + " ignored (expected one of "
                + String.join(
                    ", ",
                    List.of(
                        INJECT,
                        MODEL,
                        VERSION,
                        PROTOCOL,
                        SAMPLING_RATE,
                        PORT,
                        GRPC_PORT,
                        OTLP_ENDPOINT))
                + ")");
      }
    }
  }

  /** {@code name: value (expected: …)}, the value shortened and made printable. */
  static String problem(String name, JsonNode value, String expected) {
    String shown = value == null ? "null" : value.isTextual() ? value.asText() : value.toString();
    return name + ": " + echo(shown) + " (expected: " + expected + ")";
  }

  /** Text safe to put in an admission warning: printable ASCII, at most 64 characters and "...". */
  static String echo(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_ECHO + 1));
    for (int i = 0; i < s.length() && b.length() < MAX_ECHO; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (s.length() > MAX_ECHO) {
      b.append("...");
    }
    return b.toString();
  }

  /**
   * Why the sidecar would refuse {@code value} for its key {@code key} on its own, or {@code null}
   * when it takes it: the sidecar, not the injector, knows which protocols it captures.
   */
  private static String sidecarRefusal(String key, String value) {
    try {
      SidecarConfig.builder().set(key, value).build();
      return null;
    } catch (IllegalArgumentException e) {
      return "a value the sidecar takes; it says " + e.getMessage();
    }
  }

  private static boolean present(JsonNode v) {
    return v != null && !v.isNull() && !(v.isTextual() && v.asText().isBlank());
  }

  private static String name(JsonNode annotations, String annotation, List<String> problems) {
    JsonNode v = annotations.get(annotation);
    if (!present(v)) {
      return "";
    }
    String s = v.isTextual() ? v.asText().trim() : null;
    if (s == null || s.length() > MAX_NAME || !printable(s)) {
      problems.add(problem(annotation, v, "printable text of at most " + MAX_NAME + " characters"));
      return "";
    }
    return s;
  }

  private static boolean printable(String s) {
    return s.codePoints().noneMatch(Character::isISOControl);
  }

  /**
   * The settings a pod's annotations give its sidecar.
   *
   * @param model the model name to record; empty to take it from the request path
   * @param modelVersion the model version to record; empty likewise
   * @param protocol the sidecar's {@code protocol}; empty for the sidecar's default
   * @param samplingRate a decimal from 0 to 1 as written; empty for the sidecar's default
   * @param otlpEndpoint the pod's OTLP endpoint for spans; empty for the injector's
   */
  record Settings(
      String model,
      String modelVersion,
      String protocol,
      String samplingRate,
      String otlpEndpoint) {}

  /**
   * A reference to the model server's port.
   *
   * @param number the port number, or 0 when {@code name} is set
   * @param name a container port name, or {@code null}
   */
  record PortRef(int number, String name) {}
}
