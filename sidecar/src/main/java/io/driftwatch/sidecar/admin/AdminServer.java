package io.driftwatch.sidecar.admin;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The admin port: {@code /metrics} (Prometheus text or OpenMetrics, from the sidecar's own
 * registry), {@code /healthz/live} (200 while the process runs) and {@code /healthz/ready} (200
 * when the proxy is bound and the model server is ready, else 503). Kept off the proxy port so a
 * flood of inference traffic cannot starve the probes, and the probes never reach the model.
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
    try {
      HTTPServer server =
          HTTPServer.builder()
              .hostname(host)
              .port(port)
              .registry(registry)
              .defaultHandler(exchange -> health(exchange, ready))
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
