package io.driftwatch.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A KServe v2 model server for tests, on a real socket. Models (by the name in the path):
 *
 * <ul>
 *   <li>{@code iris}: reads {@code inputs}, answers per row a {@code label} (BYTES) and {@code
 *       scores} (FP32, 3 per row), deterministic in the input;
 *   <li>{@code slow}: like iris after {@code x-delay-ms} milliseconds;
 *   <li>{@code chunked}: like iris, but the response is sent with chunked encoding;
 *   <li>{@code broken}: 200 with malformed JSON; {@code text}: 200 with a text body; {@code fail}:
 *       500 with {@code {"error": …}}.
 * </ul>
 *
 * Also {@code GET /v2/health/ready}, {@code GET /v2/models/{name}} (metadata) and {@code
 * /echo-headers} (the request headers it saw, as JSON).
 */
final class StubModelServer implements AutoCloseable {
  static final byte[] BROKEN = bytes("{\"model_name\":\"broken\",\"outputs\": [ {\"name\": ");
  static final byte[] TEXT = bytes("hello, I am not JSON\n");
  static final byte[] FAIL = bytes("{\"error\":\"model exploded\"}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  final AtomicInteger inferCalls = new AtomicInteger();

  private StubModelServer(HttpServer server) {
    this.server = server;
  }

  static StubModelServer start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    StubModelServer stub = new StubModelServer(server);
    server.setExecutor(stub.executor);
    server.createContext("/", stub::handle);
    server.start();
    return stub;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The iris answer to a request body: what the stub sends, for comparisons. */
  static byte[] irisResponse(byte[] request, String version) throws IOException {
    JsonNode req = JSON.readTree(request);
    int rows = 1;
    double sum = 0;
    for (JsonNode input : req.path("inputs")) {
      rows = Math.max(rows, input.path("shape").path(0).asInt(1));
      for (JsonNode d : input.path("data")) {
        sum += d.asDouble();
      }
    }
    ObjectNode resp = JSON.createObjectNode();
    resp.put("model_name", "iris");
    resp.put("model_version", version.isEmpty() ? "1" : version);
    if (req.has("id")) {
      resp.set("id", req.get("id"));
    }
    ArrayNode outputs = resp.putArray("outputs");
    ObjectNode label = outputs.addObject();
    label.put("name", "label").put("datatype", "BYTES");
    label.putArray("shape").add(rows);
    ArrayNode labels = label.putArray("data");
    ObjectNode scores = outputs.addObject();
    scores.put("name", "scores").put("datatype", "FP32");
    scores.putArray("shape").add(rows).add(3);
    ArrayNode s = scores.putArray("data");
    for (int r = 0; r < rows; r++) {
      labels.add(List.of("setosa", "versicolor", "virginica").get((int) (sum + r) % 3));
      s.add(0.5).add(0.25).add(0.25);
    }
    return JSON.writeValueAsBytes(resp);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (path.equals("/v2/health/ready")) {
        respond(exchange, 200, "application/json", bytes("{\"ready\":true}"), false);
        return;
      }
      if (path.equals("/echo-headers")) {
        Map<String, String> seen = new TreeMap<>();
        exchange
            .getRequestHeaders()
            .forEach((k, v) -> seen.put(k.toLowerCase(), String.join(",", v)));
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(seen), false);
        return;
      }
      String[] parts = path.split("/");
      // "", "v2", "models", name, ["versions", v], ["infer"]
      if (parts.length < 4 || !parts[1].equals("v2") || !parts[2].equals("models")) {
        respond(exchange, 404, "application/json", bytes("{\"error\":\"not found\"}"), false);
        return;
      }
      String model = parts[3];
      String version = parts.length >= 6 && parts[4].equals("versions") ? parts[5] : "";
      if (!path.endsWith("/infer")) {
        respond(
            exchange,
            200,
            "application/json",
            bytes("{\"name\":\"" + model + "\",\"versions\":[\"1\"],\"platform\":\"stub\"}"),
            false);
        return;
      }
      inferCalls.incrementAndGet();
      switch (model) {
        case "iris" ->
            respond(exchange, 200, "application/json", irisResponse(body, version), false);
        case "chunked" ->
            respond(exchange, 200, "application/json", irisResponse(body, version), true);
        case "slow" -> {
          String delay = exchange.getRequestHeaders().getFirst("x-delay-ms");
          try {
            Thread.sleep(delay == null ? 0 : Long.parseLong(delay));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(exchange, 200, "application/json", irisResponse(body, version), false);
        }
        case "broken" -> respond(exchange, 200, "application/json", BROKEN, false);
        case "text" -> respond(exchange, 200, "text/plain; charset=utf-8", TEXT, false);
        case "fail" -> respond(exchange, 500, "application/json", FAIL, false);
        default ->
            respond(exchange, 404, "application/json", bytes("{\"error\":\"no model\"}"), false);
      }
    }
  }

  private static void respond(
      HttpExchange exchange, int status, String contentType, byte[] body, boolean chunked)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("X-Model-Server", "stub");
    exchange.sendResponseHeaders(status, chunked ? 0 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (chunked) {
        int half = body.length / 2;
        out.write(body, 0, half);
        out.flush();
        out.write(body, half, body.length - half);
      } else {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
