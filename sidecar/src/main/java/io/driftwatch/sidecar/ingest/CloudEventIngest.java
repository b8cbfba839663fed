package io.driftwatch.sidecar.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code POST /v1/cloudevents}: KServe's payload logger (an InferenceService's {@code
 * spec.predictor.logger.url}) sends each inference's request and response here as binary-mode
 * CloudEvents ({@code ce-type: org.kubeflow.serving.inference.request} or {@code .response}, {@code
 * ce-id}, {@code ce-inferenceservicename}, the payload as the body). Valid events are answered 200
 * and handed to the {@link CloudEventPairer}; an event that is not one (no {@code ce-id}, another
 * type, a structured-mode envelope, an empty body, a bad {@code ce-time}) is answered 400 with the
 * reason, a body over the size limit 413. Payloads are read later, by the capture worker: a payload
 * that cannot be read is captured with the reason in {@code capture_error}, as with the proxy.
 *
 * <p>200 rather than 202: the KServe agent logs every answer other than 200 as a failed send.
 */
public final class CloudEventIngest implements HttpHandler {
  /** The path this handler serves. */
  public static final String PATH = "/v1/cloudevents";

  /** The type of a request event. */
  public static final String REQUEST_TYPE = "org.kubeflow.serving.inference.request";

  /** The type of a response event. */
  public static final String RESPONSE_TYPE = "org.kubeflow.serving.inference.response";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CloudEventPairer pairer;
  private final IngestStats stats;
  private final int maxBytes;
  private final int maxCaptureBytes;

  /**
   * @param maxBytes the largest body accepted
   * @param maxCaptureBytes the most bytes of a payload kept (the proxy's capture limit)
   */
  public CloudEventIngest(
      CloudEventPairer pairer, IngestStats stats, int maxBytes, int maxCaptureBytes) {
    this.pairer = pairer;
    this.stats = stats;
    this.maxBytes = maxBytes;
    this.maxCaptureBytes = maxCaptureBytes;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = answer(exchange);
      stats.request(IngestStats.CLOUDEVENTS, status);
    }
  }

  private int answer(HttpExchange exchange) throws IOException {
    if (IngestHttp.refuseNonPost(exchange)) {
      return 405;
    }
    Headers h = exchange.getRequestHeaders();
    String contentType = header(h, "Content-Type");
    if (contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
      IngestHttp.error(
          exchange,
          400,
          "content-type: "
              + clip(contentType)
              + " (expected: a binary-mode event, ce-* headers and the payload as the body)");
      return 400;
    }
    String type = header(h, "ce-type");
    boolean request;
    if (type.equals(REQUEST_TYPE)) {
      request = true;
    } else if (type.equals(RESPONSE_TYPE)) {
      request = false;
    } else {
      IngestHttp.error(
          exchange,
          400,
          "ce-type: "
              + (type.isEmpty() ? "missing" : clip(type))
              + " (expected: "
              + REQUEST_TYPE
              + " or "
              + RESPONSE_TYPE
              + ")");
      return 400;
    }
    String id = header(h, "ce-id");
    if (!LabelRequests.isUsableId(id)) {
      IngestHttp.error(
          exchange,
          400,
          "ce-id: "
              + (id.isEmpty() ? "missing" : clip(id))
              + " (expected: 1 to 256 characters without control characters)");
      return 400;
    }
    long timeMicros;
    String time = header(h, "ce-recordedtime");
    String timeName = "ce-recordedtime";
    if (time.isEmpty()) {
      time = header(h, "ce-time");
      timeName = "ce-time";
    }
    if (time.isEmpty()) {
      Instant now = Instant.now();
      timeMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    } else {
      timeMicros = micros(time);
      if (timeMicros <= 0) {
        IngestHttp.error(
            exchange,
            400,
            timeName + ": " + clip(time) + " (expected: RFC 3339, e.g. 2024-05-01T12:00:00Z)");
        return 400;
      }
    }
    byte[] body;
    try {
      body = IngestHttp.readBody(exchange, maxBytes);
    } catch (IngestHttp.TooLarge e) {
      IngestHttp.error(exchange, 413, "body: larger than " + maxBytes + " bytes");
      return 413;
    }
    if (body.length == 0) {
      IngestHttp.error(exchange, 400, "body: empty (expected: the inference payload)");
      return 400;
    }
    boolean truncated = body.length > maxCaptureBytes;
    byte[] data = truncated ? Arrays.copyOf(body, maxCaptureBytes) : body;
    pairer.accept(
        new CloudEvent(
            id,
            request,
            header(h, "ce-inferenceservicename"),
            header(h, "ce-component"),
            timeMicros,
            contentType,
            traceparent(h),
            data,
            truncated));
    IngestHttp.respond(exchange, 200, "{\"status\":\"accepted\"}");
    return 200;
  }

  /**
   * The trace context of an event: the CloudEvents distributed-tracing extension ({@code
   * ce-traceparent}), the HTTP {@code traceparent}, or the one KServe copied into its {@code
   * metadata} extension (when the logger is configured to keep that header).
   */
  private static String traceparent(Headers h) {
    String t = header(h, "ce-traceparent");
    if (t.isEmpty()) {
      t = header(h, "traceparent");
    }
    if (t.isEmpty()) {
      String metadata = header(h, "ce-metadata");
      if (!metadata.isEmpty()) {
        try {
          JsonNode m = JSON.readTree(metadata);
          JsonNode v = m.has("Traceparent") ? m.get("Traceparent") : m.path("traceparent");
          t = v.isArray() ? v.path(0).asText("") : v.asText("");
        } catch (IOException e) {
          // Metadata is informational; without it the record has no trace id.
        }
      }
    }
    return t.trim();
  }

  private static long micros(String time) {
    try {
      Instant i = OffsetDateTime.parse(time).toInstant();
      return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    } catch (DateTimeParseException | ArithmeticException e) {
      return -1;
    }
  }

  private static String header(Headers h, String name) {
    String v = h.getFirst(name);
    return v == null ? "" : v.trim();
  }

  private static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
