package io.driftwatch.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.driftwatch.demo.OpenInferenceJson.InferRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the credit-risk model over the Open Inference Protocol (KServe v2) REST API on HTTP/1.1.
 *
 * <p>Routes: {@code GET /v2}, {@code GET /v2/health/live}, {@code GET /v2/health/ready}, {@code GET
 * /v2/models/credit-risk[/versions/1]} (metadata), {@code GET
 * /v2/models/credit-risk[/versions/1]/ready} and {@code POST
 * /v2/models/credit-risk[/versions/1]/infer}. Client errors answer {@code {"error": "<reason>"}}
 * with 400 (bad request), 404 (unknown model, version or path), 405 (wrong method, with an {@code
 * Allow} header) or 413 (body over {@value #MAX_BODY_BYTES} bytes); unexpected failures answer 500
 * {@code {"error": "internal error"}}. No stack trace goes on the wire.
 *
 * <p>Requests are handled by a fixed pool of {@link Options#threads()} workers behind a bounded
 * queue; when both are full the accepting thread runs the request itself, which stops it accepting
 * connections until it is done: back-pressure through the TCP backlog instead of an unbounded
 * queue.
 */
public final class ModelServer implements AutoCloseable {

  /** The address {@link #start(String, int)} callers are expected to use unless told otherwise. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The KServe convention for a model container's HTTP port. */
  public static final int DEFAULT_PORT = 8080;

  /** The largest request body accepted. */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
  private static final String JSON = "application/json";
  private static final String REQUEST_ID = "x-request-id";
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final byte[] MODEL_METADATA = OpenInferenceJson.modelMetadata();

  /**
   * The model server's knobs; all validated at construction.
   *
   * @param latencyMeanMillis mean artificial latency added to each valid infer request, ms,
   *     log-normal (median 0.88 × mean, p99 2.82 × mean); 0 turns it off. Default 2.
   * @param failureRate share of valid infer requests answered 500 instead of a prediction, in [0,
   *     1]. Default 0.
   * @param threads request worker threads; also sizes the queue (64 per thread). Default 8.
   * @param maxBatch the largest batch an infer request may carry. Default 1024.
   */
  public record Options(double latencyMeanMillis, double failureRate, int threads, int maxBatch) {

    /** Latency 2 ms, no failures, 8 threads, batches up to 1024 rows. */
    public static final Options DEFAULTS = new Options(2.0, 0.0, 8, 1024);

    /**
     * Validates the knobs.
     *
     * @throws IllegalArgumentException naming the first knob out of range
     */
    public Options {
      if (!(latencyMeanMillis >= 0) || Double.isInfinite(latencyMeanMillis)) {
        throw new IllegalArgumentException(
            "latencyMeanMillis: " + latencyMeanMillis + " (expected: finite and >= 0)");
      }
      if (!(failureRate >= 0 && failureRate <= 1)) {
        throw new IllegalArgumentException(
            "failureRate: " + failureRate + " (expected: 0 <= rate <= 1)");
      }
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("threads: " + threads + " (expected: 1..1024)");
      }
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: >= 1)");
      }
    }

    /** Returns a copy with the given mean artificial latency, ms. */
    public Options withLatencyMeanMillis(double millis) {
      return new Options(millis, failureRate, threads, maxBatch);
    }

    /** Returns a copy with the given share of injected 500s. */
    public Options withFailureRate(double rate) {
      return new Options(latencyMeanMillis, rate, threads, maxBatch);
    }

    /** Returns a copy with the given number of worker threads. */
    public Options withThreads(int count) {
      return new Options(latencyMeanMillis, failureRate, count, maxBatch);
    }

    /** Returns a copy with the given largest batch. */
    public Options withMaxBatch(int rows) {
      return new Options(latencyMeanMillis, failureRate, threads, rows);
    }
  }

  private final CreditRiskModel model;
  private final Options options;
  private final LatencyJitter latency;
  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final AtomicLong nextErrorLogNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong suppressedErrors = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ModelServer(CreditRiskModel model, Options options, HttpServer server) {
    this.model = model;
    this.options = options;
    this.latency = new LatencyJitter(options.latencyMeanMillis());
    this.server = server;
    this.workers =
        new ThreadPoolExecutor(
            options.threads(),
            options.threads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(64 * options.threads()),
            daemonThreads("driftwatch-model-server-"),
            new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /**
   * Loads the model and starts serving it with {@link Options#DEFAULTS}.
   *
   * @see #start(String, int, Options)
   */
  public static ModelServer start(String host, int port) throws IOException {
    return start(host, port, Options.DEFAULTS);
  }

  /**
   * Loads the model, binds {@code host:port} and starts serving; returns once the server accepts
   * connections, so its readiness endpoints answer 200 from the first request.
   *
   * @param host the address to bind, e.g. {@value #DEFAULT_HOST} (loopback only) or {@code 0.0.0.0}
   * @param port the port to bind; 0 picks a free one, see {@link #port()}
   * @throws IllegalArgumentException if {@code host} is blank or {@code port} is out of range
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if ONNX Runtime cannot load the model
   */
  public static ModelServer start(String host, int port, Options options) throws IOException {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: " + host + " (expected: an address or host name)");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("host: " + host + " (expected: a resolvable address)");
    }
    CreditRiskModel model = CreditRiskModel.load();
    HttpServer server;
    try {
      server = HttpServer.create(address, 128);
    } catch (IOException e) {
      model.close();
      throw new IOException(
          "model server: cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
    }
    ModelServer modelServer = new ModelServer(model, options, server);
    server.createContext("/", modelServer::handle);
    server.setExecutor(modelServer.workers);
    server.start();
    LOG.info(
        "serving {} v{} on {} ({} execution provider, {})",
        CreditRiskModel.NAME,
        CreditRiskModel.VERSION,
        modelServer.baseUri(),
        model.executionProvider(),
        options);
    return modelServer;
  }

  /** Returns the bound port: the one given to {@code start}, or the one picked for port 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Returns {@code http://host:port} for clients on this machine: a wildcard bind address is
   * replaced by the loopback address.
   */
  public URI baseUri() {
    InetAddress address = server.getAddress().getAddress();
    if (address.isAnyLocalAddress()) {
      address = InetAddress.getLoopbackAddress();
    }
    String host = address.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  /** Returns {@code "CUDA"} or {@code "CPU"}: where the model runs. */
  public String executionProvider() {
    return model.executionProvider();
  }

  /** Returns the knobs this server runs with. */
  public Options options() {
    return options;
  }

  /**
   * Stops accepting connections, waits up to 5 s for requests in progress, then releases the model.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    workers.shutdown();
    try {
      if (workers.awaitTermination(5, TimeUnit.SECONDS)) {
        model.close();
      } else {
        // Freeing the ONNX session under a running request could crash the JVM; leak it instead.
        LOG.warn("model server: requests still running after 5 s; the model stays loaded");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Reply(int status, byte[] body, String allow) {
    static Reply ok(byte[] body) {
      return new Reply(200, body, null);
    }

    static Reply error(int status, String reason) {
      return new Reply(status, OpenInferenceJson.error(reason), null);
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      Reply reply;
      try {
        reply = route(exchange);
      } catch (InvalidRequestException e) {
        reply = Reply.error(e.status(), e.getMessage());
      } catch (RuntimeException e) {
        logUnexpected(exchange, e);
        reply = Reply.error(500, "internal error");
      }
      send(exchange, reply);
    } catch (IOException e) {
      // The client went away mid-response: nothing to tell it.
      LOG.debug("model server: response not delivered: {}", e.toString());
    } finally {
      exchange.close();
    }
  }

  private Reply route(HttpExchange exchange) throws IOException, InvalidRequestException {
    String path = exchange.getRequestURI().getPath();
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    if (segments.isEmpty() || !segments.get(0).equals("v2")) {
      return notFound(path);
    }
    if (segments.size() == 1) {
      return get(exchange, path, this::serverMetadata);
    }
    if (segments.size() == 3 && segments.get(1).equals("health")) {
      return switch (segments.get(2)) {
        case "live" -> get(exchange, path, () -> Map.of("live", true));
        case "ready" -> get(exchange, path, () -> Map.of("ready", true));
        default -> notFound(path);
      };
    }
    if (segments.size() < 3 || !segments.get(1).equals("models")) {
      return notFound(path);
    }
    String name = segments.get(2);
    List<String> rest = segments.subList(3, segments.size());
    String version = null;
    if (rest.size() >= 2 && rest.get(0).equals("versions")) {
      version = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String action = rest.isEmpty() ? "" : rest.size() == 1 ? rest.get(0) : null;
    if (action == null || !(action.isEmpty() || action.equals("ready") || action.equals("infer"))) {
      return notFound(path);
    }
    if (!name.equals(CreditRiskModel.NAME)) {
      return Reply.error(
          404, "unknown model: " + cut(name) + " (expected: " + CreditRiskModel.NAME + ")");
    }
    if (version != null && !version.equals(CreditRiskModel.VERSION)) {
      return Reply.error(
          404,
          "unknown version of "
              + name
              + ": "
              + cut(version)
              + " (expected: "
              + CreditRiskModel.VERSION
              + ")");
    }
    return switch (action) {
      case "ready" -> get(exchange, path, () -> modelReady(name));
      case "infer" -> infer(exchange, path);
      default -> {
        Reply methodCheck = requireMethod(exchange, path, "GET");
        yield methodCheck != null ? methodCheck : Reply.ok(MODEL_METADATA);
      }
    };
  }

  private static Map<String, Object> modelReady(String name) {
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("name", name);
    ready.put("ready", true);
    return ready;
  }

  private Map<String, Object> serverMetadata() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "driftwatch-demo");
    String version = ModelServer.class.getPackage().getImplementationVersion();
    metadata.put("version", version == null ? "dev" : version);
    metadata.put("extensions", List.of());
    return metadata;
  }

  private Reply get(HttpExchange exchange, String path, Supplier<Map<String, ?>> body) {
    Reply methodCheck = requireMethod(exchange, path, "GET");
    return methodCheck != null ? methodCheck : Reply.ok(OpenInferenceJson.object(body.get()));
  }

  private static Reply requireMethod(HttpExchange exchange, String path, String method) {
    if (exchange.getRequestMethod().equals(method)) {
      return null;
    }
    return new Reply(
        405,
        OpenInferenceJson.error(
            "method "
                + exchange.getRequestMethod()
                + " not allowed on "
                + path
                + " (expected: "
                + method
                + ")"),
        method);
  }

  private static Reply notFound(String path) {
    return Reply.error(404, "no such path: " + cut(path));
  }

  /** Keeps client-chosen text in error messages short. */
  private static String cut(String text) {
    return text.length() <= 100 ? text : text.substring(0, 97) + "...";
  }

  private Reply infer(HttpExchange exchange, String path)
      throws IOException, InvalidRequestException {
    Reply methodCheck = requireMethod(exchange, path, "POST");
    if (methodCheck != null) {
      return methodCheck;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new InvalidRequestException(
          413,
          "request body: more than "
              + MAX_BODY_BYTES
              + " bytes (expected: at most "
              + MAX_BODY_BYTES
              + ")");
    }
    InferRequest request = OpenInferenceJson.decodeRequest(body, options.maxBatch());
    String id = request.id();
    if (id == null) {
      id = exchange.getRequestHeaders().getFirst(REQUEST_ID);
    }
    if (id == null) {
      id = UUID.randomUUID().toString();
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    pause(latency.sampleNanos(random));
    if (options.failureRate() > 0 && random.nextDouble() < options.failureRate()) {
      return Reply.error(
          500,
          CreditRiskModel.NAME + ": injected failure (failure rate " + options.failureRate() + ")");
    }
    float[] probabilities = model.predict(request.rows());
    return Reply.ok(OpenInferenceJson.encodeResponse(id, probabilities, request.outputs()));
  }

  /** Sleeps with sub-millisecond precision (Thread.sleep rounds to whole milliseconds on 17). */
  private static void pause(long nanos) {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", JSON);
    if (reply.allow() != null) {
      exchange.getResponseHeaders().set("Allow", reply.allow());
    }
    String requestId = exchange.getRequestHeaders().getFirst(REQUEST_ID);
    if (requestId != null) {
      exchange.getResponseHeaders().set(REQUEST_ID, requestId);
    }
    exchange.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  /** Logs an unexpected failure at most once per 10 s, with the number left out since. */
  private void logUnexpected(HttpExchange exchange, RuntimeException e) {
    long now = System.nanoTime();
    long next = nextErrorLogNanos.get();
    if (now - next >= 0 && nextErrorLogNanos.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
      LOG.warn(
          "model server: {} {} failed ({} similar failures not logged)",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(),
          suppressedErrors.getAndSet(0),
          e);
    } else {
      suppressedErrors.incrementAndGet();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
