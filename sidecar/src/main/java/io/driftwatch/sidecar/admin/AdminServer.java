package io.driftwatch.sidecar.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The admin port: {@code /metrics} (Prometheus text or OpenMetrics, from the sidecar's own
 * registry), {@code /healthz/live} (200 while the process runs) and {@code /healthz/ready} (200
 * when the proxy is bound and the model server is ready, else 503), and the ingest endpoints
 * ({@code /v1/labels}, {@code /v1/cloudevents}) given as routes. Kept off the proxy port so a flood
 * of inference traffic cannot starve the probes, the probes never reach the model, and no path of
 * the model's own (an OpenAI server owns all of {@code /v1/}) is ever shadowed by the sidecar.
 */
public final class AdminServer implements AutoCloseable {
  private final HTTPServer server;

  private AdminServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Binds and starts serving.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static AdminServer start(
      String host, int port, PrometheusRegistry registry, BooleanSupplier ready) {
    return start(host, port, registry, ready, Map.of());
  }

  /**
   * Binds and starts serving, with {@code routes} (exact path → handler) beside the health
   * endpoints.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static AdminServer start(
      String host,
      int port,
      PrometheusRegistry registry,
      BooleanSupplier ready,
      Map<String, HttpHandler> routes) {
    Map<String, HttpHandler> byPath = Map.copyOf(routes);
    try {
      HTTPServer server =
          HTTPServer.builder()
              .hostname(host)
              .port(port)
              .registry(registry)
              .defaultHandler(
                  exchange -> {
                    HttpHandler route = byPath.get(exchange.getRequestURI().getPath());
                    if (route != null) {
                      route.handle(exchange);
                    } else {
                      health(exchange, ready);
                    }
                  })
              .buildAndStart();
      return new AdminServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "admin: " + host + ":" + port + " (expected: an address this host can bind)", e);
    }
  }

  private static void health(HttpExchange exchange, BooleanSupplier ready) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int status;
      String body;
      switch (path) {
        case "/healthz/live" -> {
          status = 200;
          body = "{\"status\":\"live\"}";
        }
        case "/healthz/ready" -> {
          boolean ok = ready.getAsBoolean();
          status = ok ? 200 : 503;
          body = ok ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}";
        }
        default -> {
          status = 404;
          body = "{\"error\":\"not found\"}";
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** The port serving /metrics and the health endpoints. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
