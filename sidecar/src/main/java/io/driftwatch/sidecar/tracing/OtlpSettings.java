package io.driftwatch.sidecar.tracing;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and how the sidecar exports its spans over OTLP; immutable and validated when built, so a
 * bad value fails at start-up with {@code name: value (expected: …)}. Tracing is off while {@link
 * #endpoint()} is empty (the default), and then nothing of the OpenTelemetry SDK is created.
 *
 * @param endpoint the collector's OTLP/HTTP base URL, e.g. {@code http://otel-collector:4318};
 *     {@code /v1/traces} is appended, as with {@code OTEL_EXPORTER_OTLP_ENDPOINT}; empty for off
 * @param protocol the OTLP transport; only {@code http/protobuf} when an endpoint is set
 * @param headers sent with every export (e.g. an API key); {@link #toString()} hides the values
 * @param timeout how long one export may take before it counts as failed
 * @param queueSpans the most ended spans waiting for export; more are dropped and counted
 * @param batchDelay the longest an ended span waits before its batch is exported
 * @param serviceName the {@code service.name} resource attribute of the sidecar's spans
 * @param resourceAttributes further resource attributes, e.g. {@code k8s.pod.name}
 */
public record OtlpSettings(
    String endpoint,
    String protocol,
    Map<String, String> headers,
    Duration timeout,
    int queueSpans,
    Duration batchDelay,
    String serviceName,
    Map<String, String> resourceAttributes) {

  /** The one transport the sidecar ships a sender for. */
  public static final String HTTP_PROTOBUF = "http/protobuf";

  /** The default {@code service.name}. */
  public static final String DEFAULT_SERVICE_NAME = "driftwatch-sidecar";

  /** Tracing off; every other setting at its default. */
  public static final OtlpSettings OFF =
      new OtlpSettings(
          "",
          HTTP_PROTOBUF,
          Map.of(),
          Duration.ofSeconds(10),
          2048,
          Duration.ofSeconds(5),
          DEFAULT_SERVICE_NAME,
          Map.of());

  /**
   * The standard OpenTelemetry environment variables the sidecar honours, each with the key it
   * sets. A {@code DRIFTWATCH_SIDECAR_*} variable of the same key wins.
   */
  public static final Map<String, String> STANDARD_ENV =
      Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", "otlp.endpoint",
          "OTEL_EXPORTER_OTLP_PROTOCOL", "otlp.protocol",
          "OTEL_EXPORTER_OTLP_HEADERS", "otlp.headers",
          "OTEL_SERVICE_NAME", "service.name",
          "OTEL_RESOURCE_ATTRIBUTES", "otlp.resource.attributes");

  private static final int MAX_QUEUE_SPANS = 1 << 20;

  public OtlpSettings {
    endpoint = checkEndpoint(endpoint == null ? "" : endpoint.trim());
    protocol = protocol == null ? "" : protocol.trim();
    // Checked only with an endpoint: a platform-wide OTEL_EXPORTER_OTLP_PROTOCOL=grpc must not
    // stop a sidecar that does not trace.
    if (!protocol.equals(HTTP_PROTOBUF) && (!endpoint.isEmpty() || protocol.isEmpty())) {
      throw invalid(
          "otlp.protocol",
          protocol,
          HTTP_PROTOBUF + "; the sidecar ships no gRPC sender, use the collector's HTTP port");
    }
    headers = checkPairs("otlp.headers", headers);
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw invalid("otlp.timeout.ms", timeout, "> 0");
    }
    if (queueSpans < 1 || queueSpans > MAX_QUEUE_SPANS) {
      throw invalid("otlp.queue.spans", queueSpans, "1 to " + MAX_QUEUE_SPANS);
    }
    if (batchDelay == null || batchDelay.isNegative() || batchDelay.isZero()) {
      throw invalid("otlp.batch.delay.ms", batchDelay, "> 0");
    }
    serviceName = serviceName == null ? "" : serviceName.trim();
    if (serviceName.isEmpty()) {
      throw invalid("service.name", serviceName, "a non-empty name");
    }
    resourceAttributes = checkPairs("otlp.resource.attributes", resourceAttributes);
  }

  /** Whether spans are exported: an endpoint is set. */
  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  /** The URL spans are posted to: the endpoint followed by {@code /v1/traces}. */
  public String tracesUrl() {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base + "/v1/traces";
  }

  /**
   * A copy with one setting read from text: {@code otlp.endpoint}, {@code otlp.protocol}, {@code
   * otlp.headers} and {@code otlp.resource.attributes} ({@code key=value,…}, values percent-decoded
   * as in {@code OTEL_EXPORTER_OTLP_HEADERS}), {@code otlp.timeout.ms}, {@code otlp.queue.spans},
   * {@code otlp.batch.delay.ms}, {@code service.name}.
   *
   * @throws IllegalArgumentException for another key or a bad value, naming both
   */
  public OtlpSettings with(String key, String text) {
    String v = text == null ? "" : text.trim();
    return switch (key) {
      case "otlp.endpoint" ->
          new OtlpSettings(
              v,
              protocol,
              headers,
              timeout,
              queueSpans,
              batchDelay,
              serviceName,
              resourceAttributes);
      case "otlp.protocol" ->
          new OtlpSettings(
              endpoint,
              v,
              headers,
              timeout,
              queueSpans,
              batchDelay,
              serviceName,
              resourceAttributes);
      case "otlp.headers" ->
          new OtlpSettings(
              endpoint,
              protocol,
              parsePairs(key, v),
              timeout,
              queueSpans,
              batchDelay,
              serviceName,
              resourceAttributes);
      case "otlp.timeout.ms" ->
          new OtlpSettings(
              endpoint,
              protocol,
              headers,
              Duration.ofMillis(toLong(key, v)),
              queueSpans,
              batchDelay,
              serviceName,
              resourceAttributes);
      case "otlp.queue.spans" ->
          new OtlpSettings(
              endpoint,
              protocol,
              headers,
              timeout,
              toInt(key, v),
              batchDelay,
              serviceName,
              resourceAttributes);
      case "otlp.batch.delay.ms" ->
          new OtlpSettings(
              endpoint,
              protocol,
              headers,
              timeout,
              queueSpans,
              Duration.ofMillis(toLong(key, v)),
              serviceName,
              resourceAttributes);
      case "service.name" ->
          new OtlpSettings(
              endpoint, protocol, headers, timeout, queueSpans, batchDelay, v, resourceAttributes);
      case "otlp.resource.attributes" ->
          new OtlpSettings(
              endpoint,
              protocol,
              headers,
              timeout,
              queueSpans,
              batchDelay,
              serviceName,
              parsePairs(key, v));
      default -> throw invalid("key", key, "an otlp.* key or service.name");
    };
  }

  /** Like the record's, but header values are printed as {@code ***}: they are often secrets. */
  @Override
  public String toString() {
    Map<String, String> hidden = new LinkedHashMap<>();
    headers.forEach((k, v) -> hidden.put(k, "***"));
    return "OtlpSettings[endpoint="
        + endpoint
        + ", protocol="
        + protocol
        + ", headers="
        + hidden
        + ", timeout="
        + timeout
        + ", queueSpans="
        + queueSpans
        + ", batchDelay="
        + batchDelay
        + ", serviceName="
        + serviceName
        + ", resourceAttributes="
        + resourceAttributes
        + "]";
  }

  /**
   * Reads {@code key=value,key=value}: the W3C-baggage-like list of {@code
   * OTEL_EXPORTER_OTLP_HEADERS} and {@code OTEL_RESOURCE_ATTRIBUTES}; values are percent-decoded.
   *
   * @throws IllegalArgumentException for an entry without {@code =} or with an empty key
   */
  static Map<String, String> parsePairs(String key, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    String[] entries = text.split(",");
    for (int i = 0; i < entries.length; i++) {
      String e = entries[i].trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0) {
        // The entry itself is not printed: it may hold a secret.
        throw invalid(key, "entry " + (i + 1), "key=value,… entries");
      }
      String name = e.substring(0, eq).trim();
      String value = e.substring(eq + 1).trim();
      try {
        value = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException ex) {
        throw invalid(key, name + "=…", "a percent-encoded value");
      }
      out.put(name, value);
    }
    return out;
  }

  private static String checkEndpoint(String endpoint) {
    if (endpoint.isEmpty()) {
      return endpoint;
    }
    String expected = "empty, or http(s)://host:port[/base path] with no query or user info";
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw invalid("otlp.endpoint", endpoint, expected);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null
        || uri.getUserInfo() != null
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw invalid("otlp.endpoint", endpoint, expected);
    }
    return endpoint;
  }

  private static Map<String, String> checkPairs(String name, Map<String, String> pairs) {
    if (pairs == null) {
      return Map.of();
    }
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
        throw invalid(name, e.getKey(), "non-empty keys with values");
      }
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(pairs));
  }

  private static long toLong(String key, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "an integer");
    }
  }

  private static int toInt(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "an integer");
    }
  }

  private static IllegalArgumentException invalid(String name, Object value, String expected) {
    return new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
  }
}
