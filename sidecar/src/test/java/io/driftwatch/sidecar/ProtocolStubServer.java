package io.driftwatch.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model server for tests, on a real socket, speaking the protocols other than KServe v2:
 *
 * <ul>
 *   <li>KServe v1 {@code POST /v1/models/{name}:predict}: per instance, an array gives the sum of
 *       its numbers, an object gives {@code {"score": sum of its numbers, "label": "high"|"low"}};
 *   <li>OpenAI {@code POST /v1/chat/completions} and {@code /v1/completions}: the completion
 *       "Driftwatch is watching." in {@link #TOKENS}; with {@code "stream": true} as server-sent
 *       events, the first token after {@link #FIRST_TOKEN_MS} and each next one {@link
 *       #NEXT_TOKEN_MS} later, then a finish event, a usage event when {@code
 *       stream_options.include_usage} is set, and {@code [DONE]};
 *   <li>generic JSON {@code POST /score}: {@code {"result": {"score", "decision"}}}.
 * </ul>
 *
 * It remembers the {@code traceparent} and {@code tracestate} of the last request. When {@link
 * #gate} is set, a stream waits for it between its first and its second token.
 */
final class ProtocolStubServer implements AutoCloseable {
  static final List<String> TOKENS = List.of("Drift", "watch", " is", " watch", "ing", ".");
  static final long FIRST_TOKEN_MS = 80;
  static final long NEXT_TOKEN_MS = 30;
  static final int PROMPT_TOKENS = 9;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  volatile CountDownLatch gate;
  final AtomicBoolean gateOpenedInTime = new AtomicBoolean();
  volatile String lastTraceparent;
  volatile String lastTracestate;
  volatile byte[] lastStream;

  private ProtocolStubServer(HttpServer server) {
    this.server = server;
  }

  static ProtocolStubServer start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    ProtocolStubServer stub = new ProtocolStubServer(server);
    server.setExecutor(stub.executor);
    server.createContext("/", stub::handle);
    server.start();
    return stub;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      lastTraceparent = exchange.getRequestHeaders().getFirst("traceparent");
      lastTracestate = exchange.getRequestHeaders().getFirst("tracestate");
      String path = exchange.getRequestURI().getPath();
      JsonNode body;
      try (InputStream in = exchange.getRequestBody()) {
        byte[] bytes = in.readAllBytes();
        body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
      }
      if (path.startsWith("/v1/models/") && path.endsWith(":predict")) {
        respond(exchange, 200, predict(body));
      } else if (path.equals("/v1/chat/completions") || path.equals("/v1/completions")) {
        boolean chat = path.equals("/v1/chat/completions");
        if (body.path("stream").asBoolean(false)) {
          stream(exchange, chat, body.path("stream_options").path("include_usage").asBoolean());
        } else {
          respond(exchange, 200, completion(chat, body));
        }
      } else if (path.equals("/score")) {
        ObjectNode r = JSON.createObjectNode();
        double income = body.path("customer").path("income").asDouble();
        r.putObject("result")
            .put("score", income > 40_000 ? 0.9 : 0.2)
            .put("decision", income > 40_000 ? "approve" : "refer");
        respond(exchange, 200, r);
      } else {
        respond(exchange, 404, JSON.createObjectNode().put("error", "not found"));
      }
    }
  }

  private static JsonNode predict(JsonNode body) {
    ObjectNode r = JSON.createObjectNode();
    ArrayNode predictions = r.putArray("predictions");
    for (JsonNode instance : body.path("instances")) {
      double sum = 0;
      Iterator<JsonNode> values = instance.elements();
      while (values.hasNext()) {
        sum += values.next().asDouble(0);
      }
      if (instance.isObject()) {
        predictions.addObject().put("score", sum).put("label", sum > 1000 ? "high" : "low");
      } else {
        predictions.add(sum);
      }
    }
    return r;
  }

  private static JsonNode completion(boolean chat, JsonNode request) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", "cmpl-1").put("object", chat ? "chat.completion" : "text_completion");
    r.put("model", request.path("model").asText("stub-llm"));
    ObjectNode choice = r.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      choice.putObject("message").put("role", "assistant").put("content", String.join("", TOKENS));
    } else {
      choice.put("text", String.join("", TOKENS));
    }
    choice.put("finish_reason", "stop");
    r.putObject("usage")
        .put("prompt_tokens", PROMPT_TOKENS)
        .put("completion_tokens", TOKENS.size())
        .put("total_tokens", PROMPT_TOKENS + TOKENS.size());
    return r;
  }

  private void stream(HttpExchange exchange, boolean chat, boolean usage) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (OutputStream out = exchange.getResponseBody()) {
      sleep(FIRST_TOKEN_MS);
      if (chat) {
        send(out, sent, chunk(chat, Map.of("role", "assistant", "content", ""), null));
      }
      for (int i = 0; i < TOKENS.size(); i++) {
        if (i == 1 && gate != null) {
          try {
            gateOpenedInTime.set(gate.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        } else if (i > 0) {
          sleep(NEXT_TOKEN_MS);
        }
        send(out, sent, chunk(chat, Map.of("content", TOKENS.get(i)), null));
      }
      send(out, sent, chunk(chat, Map.of(), "stop"));
      if (usage) {
        ObjectNode u = JSON.createObjectNode();
        u.put("id", "cmpl-1").put("model", "stub-llm").putArray("choices");
        u.putObject("usage")
            .put("prompt_tokens", PROMPT_TOKENS)
            .put("completion_tokens", TOKENS.size())
            .put("total_tokens", PROMPT_TOKENS + TOKENS.size());
        send(out, sent, u.toString());
      }
      send(out, sent, "[DONE]");
    }
    lastStream = sent.toByteArray();
  }

  private static String chunk(boolean chat, Map<String, String> delta, String finish) {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", "cmpl-1").put("object", chat ? "chat.completion.chunk" : "text_completion");
    c.put("model", "stub-llm");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      ObjectNode d = choice.putObject("delta");
      delta.forEach(d::put);
    } else {
      choice.put("text", delta.getOrDefault("content", ""));
    }
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return c.toString();
  }

  private static void send(OutputStream out, ByteArrayOutputStream sent, String data)
      throws IOException {
    byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    sent.write(event);
    out.write(event);
    // Each event leaves as its own HTTP chunk, as a token-streaming server sends it.
    out.flush();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
