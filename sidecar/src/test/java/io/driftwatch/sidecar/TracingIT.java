package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.sidecar.capture.ListSink;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing through the real proxy: a model server that remembers the trace headers it was sent, and
 * an in-process OTLP/HTTP collector that decodes each export with the OTLP protobuf classes.
 */
class TracingIT {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";
  private static final String TRACESTATE = "vendor=opaque,other=1";
  private static final Pattern TRACEPARENT_FORMAT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  private ModelServer model;
  private Collector collector;

  @BeforeEach
  void start() throws IOException {
    model = ModelServer.start();
    collector = Collector.start();
  }

  @AfterEach
  void stop() {
    model.close();
    collector.close();
  }

  private SidecarConfig.Builder config(URI upstream) {
    return SidecarConfig.builder()
        .upstream(upstream)
        .listenHost("127.0.0.1")
        .listenPort(0)
        .adminHost("127.0.0.1")
        .adminPort(0)
        .readinessProbeInterval(Duration.ZERO)
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  private SidecarConfig.Builder traced(URI upstream, String endpoint) {
    return config(upstream)
        .set("otlp.endpoint", endpoint)
        .set("otlp.batch.delay.ms", "50")
        .set("otlp.timeout.ms", "2000")
        .set("otlp.headers", "x-collector-key=s3cret")
        .set("service.name", "credit-sidecar")
        .set("otlp.resource.attributes", "deployment.environment=test,k8s.pod.name=pod-7");
  }

  @Test
  void eachRequestIsAServerSpanBetweenTheCallerAndTheModel() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(traced(model.uri(), collector.endpoint()).build(), sink)) {
      URI proxy = Http.local(sidecar.port());
      byte[] request = Http.infer("r1", 1);

      // 1. A sampled caller: the sidecar's span is its child and the model's parent.
      HttpResponse<byte[]> r =
          Http.post(
              proxy,
              "/v2/models/iris/versions/3/infer",
              request,
              "x-prediction-id",
              "p-1",
              "traceparent",
              TRACEPARENT,
              "tracestate",
              TRACESTATE);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(ModelServer.IRIS);
      Map<String, String> seen = model.requests.poll();
      assertThat(seen).containsEntry("tracestate", TRACESTATE);
      Matcher upstream = TRACEPARENT_FORMAT.matcher(seen.get("traceparent"));
      assertThat(upstream.matches()).as(seen.get("traceparent")).isTrue();
      assertThat(upstream.group(1)).isEqualTo(TRACE_ID);
      assertThat(upstream.group(2)).isNotEqualTo(CLIENT_SPAN_ID);
      assertThat(sampled(upstream)).isTrue();

      // 2. No trace context: the sidecar starts the trace.
      Http.post(proxy, "/v2/models/iris/infer", request, "x-prediction-id", "p-2");
      Map<String, String> rootSeen = model.requests.poll();
      Matcher root = TRACEPARENT_FORMAT.matcher(rootSeen.get("traceparent"));
      assertThat(root.matches()).as(rootSeen.toString()).isTrue();
      assertThat(sampled(root)).isTrue();

      // 3. A caller that did not sample: no span, and the model is told so.
      String unsampledTrace = "0af7651916cd43dd8448eb211c80319c";
      Http.post(
          proxy,
          "/v2/models/iris/infer",
          request,
          "x-prediction-id",
          "p-3",
          "traceparent",
          "00-" + unsampledTrace + "-b7ad6b7169203331-00");
      Matcher unsampled = TRACEPARENT_FORMAT.matcher(model.requests.poll().get("traceparent"));
      assertThat(unsampled.matches()).isTrue();
      assertThat(unsampled.group(1)).isEqualTo(unsampledTrace);
      assertThat(sampled(unsampled)).isFalse();

      // 4. The model fails.
      HttpResponse<byte[]> failed =
          Http.post(proxy, "/v2/models/fail/infer", request, "x-prediction-id", "p-4");
      assertThat(failed.statusCode()).isEqualTo(500);
      model.requests.poll();

      await().atMost(Duration.ofSeconds(20)).until(() -> collector.spans().size() >= 3);
      List<Span> spans = collector.spans();
      assertThat(spans).hasSize(3);
      assertThat(spans).noneMatch(s -> hex(s.getTraceId()).equals(unsampledTrace));

      Span child = spans.get(0);
      assertThat(hex(child.getTraceId())).isEqualTo(TRACE_ID);
      assertThat(hex(child.getParentSpanId())).isEqualTo(CLIENT_SPAN_ID);
      assertThat(hex(child.getSpanId())).isEqualTo(upstream.group(2));
      assertThat(child.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(child.getName()).isEqualTo("POST /v2/models/{model}/versions/{version}/infer");
      assertThat(child.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
      assertThat(child.getEndTimeUnixNano()).isGreaterThan(child.getStartTimeUnixNano());
      assertThat(attributes(child.getAttributesList()))
          .containsEntry("http.request.method", "POST")
          .containsEntry("url.path", "/v2/models/iris/versions/3/infer")
          .containsEntry("url.scheme", "http")
          .containsEntry("http.route", "/v2/models/{model}/versions/{version}/infer")
          .containsEntry("http.response.status_code", "200")
          .containsEntry("server.address", "127.0.0.1")
          .containsEntry("server.port", Integer.toString(sidecar.port()))
          .containsEntry("network.protocol.version", "1.1")
          .containsEntry("driftwatch.model", "iris")
          .containsEntry("driftwatch.model.version", "3")
          .containsEntry("driftwatch.prediction.id", "p-1")
          .containsEntry("driftwatch.captured", "true")
          .containsEntry("driftwatch.sampled", "true")
          .doesNotContainKey("error.type");

      Span started = spans.get(1);
      assertThat(started.getParentSpanId().isEmpty()).isTrue();
      assertThat(hex(started.getTraceId())).isEqualTo(root.group(1));
      assertThat(hex(started.getSpanId())).isEqualTo(root.group(2));
      assertThat(attributes(started.getAttributesList()))
          .containsEntry("driftwatch.prediction.id", "p-2")
          .containsEntry("driftwatch.model", "iris")
          .doesNotContainKey("driftwatch.model.version");

      Span error = spans.get(2);
      assertThat(error.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(attributes(error.getAttributesList()))
          .containsEntry("http.response.status_code", "500")
          .containsEntry("error.type", "500")
          .containsEntry("driftwatch.model", "fail")
          .containsEntry("driftwatch.captured", "true");

      Resource resource = collector.resources.get(0);
      assertThat(attributes(resource.getAttributesList()))
          .containsEntry("service.name", "credit-sidecar")
          .containsEntry("deployment.environment", "test")
          .containsEntry("k8s.pod.name", "pod-7")
          .containsEntry("telemetry.sdk.language", "java");
      assertThat(collector.scopes).allMatch(s -> s.equals("io.driftwatch.sidecar"));
      assertThat(collector.headers).allMatch(h -> "s3cret".equals(h.get("x-collector-key")));

      // Records carry the trace: the caller's, or the one the sidecar started.
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 4);
      assertThat(record(sink, "p-1").getTraceId()).isEqualTo(TRACE_ID);
      assertThat(record(sink, "p-2").getTraceId()).isEqualTo(root.group(1));
      assertThat(record(sink, "p-3").getTraceId()).isEqualTo(unsampledTrace);

      URI admin = Http.local(sidecar.adminPort());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> metric(admin, "driftwatch_sidecar_spans_exported_total") == 3.0);
      assertThat(metric(admin, "driftwatch_sidecar_spans_dropped_total{reason=\"queue_full\"}"))
          .isZero();
      assertThat(metric(admin, "driftwatch_sidecar_spans_dropped_total{reason=\"export_failed\"}"))
          .isZero();
    }
  }

  @Test
  void anUnreachableModelIsAnErrorSpanWithTheProxysReason() throws Exception {
    int closedPort = freePort();
    try (SidecarServer sidecar =
        SidecarServer.start(
            traced(Http.local(closedPort), collector.endpoint()).build(), new ListSink())) {
      HttpResponse<byte[]> r =
          Http.post(
              Http.local(sidecar.port()),
              "/v1/models/credit:predict",
              StubModelServer.bytes("{\"instances\": [[1, 2]]}"),
              "traceparent",
              TRACEPARENT);
      assertThat(r.statusCode()).isEqualTo(502);

      await().atMost(Duration.ofSeconds(20)).until(() -> collector.spans().size() == 1);
      Span span = collector.spans().get(0);
      assertThat(hex(span.getParentSpanId())).isEqualTo(CLIENT_SPAN_ID);
      assertThat(span.getName()).isEqualTo("POST /v1/models/{model}:predict");
      assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(span.getStatus().getMessage()).startsWith("upstream: unreachable");
      assertThat(attributes(span.getAttributesList()))
          .containsEntry("http.response.status_code", "502")
          .containsEntry("error.type", "connect_failed")
          .containsEntry("driftwatch.model", "credit");
    }
  }

  @Test
  void aDownCollectorCostsSpansNotInference() throws Exception {
    String down = "http://127.0.0.1:" + freePort();
    int requests = 10;
    try (SidecarServer sidecar =
        SidecarServer.start(
            traced(model.uri(), down).set("otlp.queue.spans", "4").build(), new ListSink())) {
      URI proxy = Http.local(sidecar.port());
      for (int i = 0; i < requests; i++) {
        HttpResponse<byte[]> r =
            Http.post(
                proxy, "/v2/models/iris/infer", Http.infer("r" + i, 1), "traceparent", TRACEPARENT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(ModelServer.IRIS);
      }
      URI admin = Http.local(sidecar.adminPort());
      String queueFull = "driftwatch_sidecar_spans_dropped_total{reason=\"queue_full\"}";
      String failed = "driftwatch_sidecar_spans_dropped_total{reason=\"export_failed\"}";
      // Failed exports are retried with backoff before they count: allow for it.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> metric(admin, queueFull) + metric(admin, failed) == requests);
      // The first span always finds room; more than the queue's 4 never do while exports hang.
      assertThat(metric(admin, failed)).isBetween(1.0, 4.0);
      assertThat(metric(admin, "driftwatch_sidecar_spans_exported_total")).isZero();
    }
    assertThat(collector.spans()).isEmpty();
  }

  @Test
  void withoutAnEndpointTraceContextPassesUnchangedAndNoSpanIsMade() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(model.uri()).build(), sink)) {
      assertThat(sidecar.config().otlp().enabled()).isFalse();
      Http.post(
          Http.local(sidecar.port()),
          "/v2/models/iris/infer",
          Http.infer("r", 1),
          "x-prediction-id",
          "off-1",
          "traceparent",
          TRACEPARENT,
          "tracestate",
          TRACESTATE);
      Map<String, String> seen = model.requests.poll();
      assertThat(seen)
          .containsEntry("traceparent", TRACEPARENT)
          .containsEntry("tracestate", TRACESTATE);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
      assertThat(sink.records.get(0).getTraceId()).isEqualTo(TRACE_ID);
      String metrics = Http.text(Http.get(Http.local(sidecar.adminPort()), "/metrics"));
      assertThat(metrics).doesNotContain("driftwatch_sidecar_spans_");
    }
    assertThat(collector.spans()).isEmpty();
  }

  /** Whether a matched traceparent has the sampled flag (bit 0; bit 1 marks a random trace id). */
  private static boolean sampled(Matcher traceparent) {
    return (Integer.parseInt(traceparent.group(3), 16) & 1) == 1;
  }

  private static PredictionRecord record(ListSink sink, String id) {
    return sink.records.stream()
        .filter(p -> p.getPredictionId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The value of one sample line of {@code /metrics}, e.g. {@code name{label="v"}}; 0 if absent.
   */
  private static double metric(URI admin, String sample) throws Exception {
    String text = Http.text(Http.get(admin, "/metrics"));
    for (String line : text.split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return 0;
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  /** Attribute values as text: strings as they are, numbers and booleans printed. */
  private static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> out = new TreeMap<>();
    for (KeyValue kv : list) {
      AnyValue v = kv.getValue();
      String text =
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString();
          };
      out.put(kv.getKey(), text);
    }
    return out;
  }

  /**
   * A model server that answers {@code /v2/models/iris/...} with a fixed body, {@code fail} with a
   * 500, and remembers the headers of each request in arrival order.
   */
  private static final class ModelServer implements AutoCloseable {
    static final byte[] IRIS =
        StubModelServer.bytes(
            "{\"model_name\":\"iris\",\"outputs\":[{\"name\":\"label\",\"datatype\":\"BYTES\","
                + "\"shape\":[1],\"data\":[\"setosa\"]}]}");

    final ConcurrentLinkedQueue<Map<String, String>> requests = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private ModelServer(HttpServer server) {
      this.server = server;
    }

    static ModelServer start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      ModelServer m = new ModelServer(server);
      server.setExecutor(m.executor);
      server.createContext("/", m::handle);
      server.start();
      return m;
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        try (InputStream in = exchange.getRequestBody()) {
          in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        exchange
            .getRequestHeaders()
            .forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        requests.add(headers);
        boolean fail = exchange.getRequestURI().getPath().startsWith("/v2/models/fail/");
        byte[] body = fail ? StubModelServer.FAIL : IRIS;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
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

  /**
   * A minimal OTLP/HTTP collector: accepts {@code POST /v1/traces} with a protobuf {@code
   * ExportTraceServiceRequest}, keeps its spans in arrival order, and answers with an empty
   * protobuf response as a real collector does.
   */
  private static final class Collector implements AutoCloseable {
    final List<Resource> resources = new CopyOnWriteArrayList<>();
    final List<String> scopes = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private Collector(HttpServer server) {
      this.server = server;
    }

    static Collector start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      Collector c = new Collector(server);
      server.createContext("/v1/traces", c::handle);
      server.start();
      return c;
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Span> spans() {
      return List.copyOf(spans);
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        String type =
            Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
        if (!exchange.getRequestMethod().equals("POST") || !type.equals("application/x-protobuf")) {
          exchange.sendResponseHeaders(415, -1);
          return;
        }
        Map<String, String> h = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
        headers.add(h);
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
        for (ResourceSpans rs : request.getResourceSpansList()) {
          resources.add(rs.getResource());
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            scopes.add(ss.getScope().getName());
            spans.addAll(ss.getSpansList());
          }
        }
        byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
        if (response.length > 0) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(response);
          }
        }
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
