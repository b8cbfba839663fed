package io.driftwatch.sidecar.injector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the webhook: {@code POST /mutate} answers AdmissionReviews; {@code GET
 * /healthz/live} and {@code /healthz/ready} answer the injector's own probes. Every answer is JSON;
 * client errors are 4xx with {@code {"error": reason}}, never a stack trace.
 *
 * <p>A review is always answered {@code allowed: true}: the injector adds the sidecar or leaves the
 * pod alone, it never blocks one.
 */
final class WebhookHandler implements HttpHandler {
  static final String MUTATE = "/mutate";

  /** The most bytes of a too-large body read and dropped before answering 413. */
  private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  private final SidecarInjector injector;
  private final int maxRequestBytes;
  private final LongAdder injected = new LongAdder();
  private final LongAdder alreadyInjected = new LongAdder();
  private final LongAdder notRequested = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder badRequests = new LongAdder();

  WebhookHandler(SidecarInjector injector, int maxRequestBytes) {
    this.injector = injector;
    this.maxRequestBytes = maxRequestBytes;
  }

  InjectorStats stats() {
    return new InjectorStats(
        injected.sum(),
        alreadyInjected.sum(),
        notRequested.sum(),
        refused.sum(),
        badRequests.sum());
  }

  @Override
  public void handle(HttpExchange exchange) {
    try (exchange) {
      try {
        route(exchange);
      } catch (RuntimeException e) {
        LOG.error("webhook request failed", e);
        send(exchange, 500, AdmissionCodec.error("internal error"));
      }
    } catch (IOException | RuntimeException e) {
      // The API server went away (its timeout passed), or the response had already started.
      LOG.debug("webhook connection failed", e);
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    // The API server adds ?timeout=…: route on the path alone.
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    switch (path == null ? "" : path) {
      case MUTATE -> {
        if ("POST".equals(method)) {
          mutate(exchange);
        } else {
          methodNotAllowed(exchange, "POST");
        }
      }
      case "/healthz/live", "/healthz/ready" -> {
        if ("GET".equals(method) || "HEAD".equals(method)) {
          send(exchange, 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
        } else {
          methodNotAllowed(exchange, "GET, HEAD");
        }
      }
      default -> clientError(exchange, 404, "not found: POST AdmissionReviews to " + MUTATE);
    }
  }

  private void mutate(HttpExchange exchange) throws IOException {
    byte[] body = readBody(exchange);
    if (body == null) {
      clientError(exchange, 413, "the body is larger than " + maxRequestBytes + " bytes");
      return;
    }
    AdmissionCodec.Request request;
    try {
      request = AdmissionCodec.read(body);
      if (request.createsPod() && !request.object().isObject()) {
        throw new AdmissionCodec.BadReview("request.object: missing (expected: the pod)");
      }
    } catch (AdmissionCodec.BadReview e) {
      clientError(exchange, 400, e.getMessage());
      return;
    }
    SidecarInjector.Decision decision =
        request.createsPod()
            ? injector.decide(request.object())
            : SidecarInjector.Decision.of(SidecarInjector.Outcome.NOT_REQUESTED);
    count(decision.outcome());
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} pod {}/{}: {} {}",
          request.uid(),
          request.namespace(),
          request
              .object()
              .path("metadata")
              .path("name")
              .asText(request.object().path("metadata").path("generateName").asText("")),
          decision.outcome(),
          decision.warnings());
    }
    send(exchange, 200, AdmissionCodec.allow(request.uid(), decision.patch(), decision.warnings()));
  }

  private void count(SidecarInjector.Outcome outcome) {
    switch (outcome) {
      case INJECTED -> injected.increment();
      case ALREADY_INJECTED -> alreadyInjected.increment();
      case NOT_REQUESTED -> notRequested.increment();
      case REFUSED -> refused.increment();
    }
  }

  /**
   * The body, or {@code null} when it is larger than the limit. A body that is too large is still
   * read and dropped, up to {@link #DRAIN_LIMIT}: closing a connection with unread bytes resets it,
   * and the client would see a reset instead of the 413.
   */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    long declared = -1;
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        // The server itself refuses a malformed length; the read below is bounded anyway.
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      if (declared > maxRequestBytes) {
        drain(in);
        return null;
      }
      byte[] body = in.readNBytes(maxRequestBytes + 1);
      if (body.length > maxRequestBytes) {
        drain(in);
        return null;
      }
      return body;
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long left = DRAIN_LIMIT;
    for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
      left -= n;
    }
  }

  private void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    clientError(exchange, 405, "method not allowed (expected: " + allowed + ")");
  }

  private void clientError(HttpExchange exchange, int status, String reason) throws IOException {
    badRequests.increment();
    send(exchange, status, AdmissionCodec.error(reason));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
