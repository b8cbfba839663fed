package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.sidecar.capture.HeldSink;
import io.driftwatch.sidecar.capture.ListSink;
import io.driftwatch.sidecar.sched.CpuPriority;
import io.driftwatch.sidecar.sched.SchedPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy on real sockets against a stub model server; records go to a list, not Kafka. */
class ProxyIT {
  private static StubModelServer model;

  @BeforeAll
  static void startModel() throws IOException {
    model = StubModelServer.start();
  }

  @AfterAll
  static void stopModel() {
    model.close();
  }

  private static SidecarConfig.Builder config(URI upstream) {
    return SidecarConfig.builder()
        .upstream(upstream)
        .listenHost("127.0.0.1")
        .listenPort(0)
        .adminHost("127.0.0.1")
        .adminPort(0)
        .readinessProbeInterval(Duration.ofMillis(100))
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  private static void withSidecar(SidecarConfig.Builder config, ListSink sink, SidecarConsumer test)
      throws Exception {
    try (SidecarServer sidecar = SidecarServer.start(config.build(), sink)) {
      test.accept(sidecar);
    }
  }

  @FunctionalInterface
  interface SidecarConsumer {
    void accept(SidecarServer sidecar) throws Exception;
  }

  @Test
  void eventLoopsRunInTheSchedulingClassOfIoCpuPriority() throws Exception {
    assumeTrue(SchedPolicy.available(), "Linux only");
    Map<CpuPriority, Integer> linuxPolicy =
        Map.of(CpuPriority.BATCH, SchedPolicy.BATCH, CpuPriority.NORMAL, SchedPolicy.OTHER);
    for (CpuPriority priority : SidecarConfig.IO_CPU_PRIORITIES) {
      // Other sidecars of this JVM may still be stopping: only the threads this one starts count.
      // /proc names threads by their first 15 characters.
      Map<Integer, Integer> before = SchedPolicy.byThreadNamed("driftwatch-prox");
      withSidecar(
          config(model.uri()).ioThreads(2).ioCpuPriority(priority),
          new ListSink(),
          sidecar -> {
            // An event loop's thread starts with the first connection it is given.
            HttpResponse<byte[]> r =
                Http.post(Http.local(sidecar.port()), "/v2/models/iris/infer", Http.infer("r", 1));
            assertThat(r.statusCode()).isEqualTo(200);
            Map<Integer, Integer> loops = SchedPolicy.byThreadNamed("driftwatch-prox");
            loops.keySet().removeAll(before.keySet());
            assertThat(loops).as("%s", priority).isNotEmpty();
            assertThat(loops.values()).as("%s", priority).containsOnly(linuxPolicy.get(priority));
          });
    }
  }

  @Test
  void inferenceIsPassedThroughUnchangedAndCaptured() throws Exception {
    ListSink sink = new ListSink();
    withSidecar(
        config(model.uri()),
        sink,
        sidecar -> {
          URI proxy = Http.local(sidecar.port());
          byte[] request = Http.infer("r1", 2);
          HttpResponse<byte[]> direct = Http.post(model.uri(), "/v2/models/iris/infer", request);
          HttpResponse<byte[]> via =
              Http.post(proxy, "/v2/models/iris/infer", request, "x-request-id", "abc-123");

          assertThat(via.statusCode()).isEqualTo(direct.statusCode()).isEqualTo(200);
          assertThat(via.body()).isEqualTo(direct.body());
          assertThat(via.headers().firstValue("content-type")).contains("application/json");
          assertThat(via.headers().firstValue("x-model-server")).contains("stub");
          assertThat(via.headers().firstValue("x-prediction-id")).contains("abc-123");

          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 2);
          PredictionRecord first = sink.records.get(0);
          assertThat(first.getPredictionId()).isEqualTo("abc-123/0");
          assertThat(sink.records.get(1).getPredictionId()).isEqualTo("abc-123/1");
          assertThat(first.getModel()).isEqualTo("iris");
          assertThat(first.getModelVersion()).isEqualTo("1");
          assertThat(first.getStatusCode()).isEqualTo(200);
          assertThat(first.getLatencyMicros()).isPositive();
          assertThat(first.getFeaturesMap().get("x").getNumber()).isEqualTo(0.5);
          assertThat(first.getFeaturesMap().get("city").getText()).isEqualTo("Paris");
          assertThat(first.getOutputsMap().get("scores").getNumbers().getValuesList())
              .containsExactly(0.5, 0.25, 0.25);
          assertThat(first.getCaptureError()).isEmpty();

          // No id header: the sidecar makes one up and returns it.
          HttpResponse<byte[]> anonymous = Http.post(proxy, "/v2/models/iris/infer", request);
          assertThat(anonymous.headers().firstValue("x-prediction-id"))
              .get()
              .asString()
              .hasSize(36);
        });
  }

  @Test
  void nonInferencePathsAreProxiedButNotCaptured() throws Exception {
    ListSink sink = new ListSink();
    withSidecar(
        config(model.uri()),
        sink,
        sidecar -> {
          URI proxy = Http.local(sidecar.port());
          HttpResponse<byte[]> meta = Http.get(proxy, "/v2/models/iris");
          assertThat(meta.statusCode()).isEqualTo(200);
          assertThat(meta.body()).isEqualTo(Http.get(model.uri(), "/v2/models/iris").body());
          assertThat(Http.get(proxy, "/v2/health/ready").statusCode()).isEqualTo(200);
          assertThat(Http.get(proxy, "/nowhere").statusCode()).isEqualTo(404);
          // One inference call afterwards shows the queue was working all along.
          Http.post(proxy, "/v2/models/iris/infer", Http.infer("r", 1));
          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
          assertThat(sidecar.stats().captured()).isEqualTo(1);
        });
  }

  @Test
  void badModelAnswersReachTheClientByteForByteAndAreCapturedWithTheirError() throws Exception {
    ListSink sink = new ListSink();
    withSidecar(
        config(model.uri()),
        sink,
        sidecar -> {
          URI proxy = Http.local(sidecar.port());
          byte[] request = Http.infer("r", 1);
          record Case(String model, int status, byte[] body, String error) {}
          List<Case> cases =
              List.of(
                  new Case("broken", 200, StubModelServer.BROKEN, "response: malformed JSON"),
                  new Case("text", 200, StubModelServer.TEXT, "response: not JSON"),
                  new Case(
                      "fail", 500, StubModelServer.FAIL, "response: status 500: model exploded"));
          for (Case c : cases) {
            HttpResponse<byte[]> r =
                Http.post(
                    proxy,
                    "/v2/models/" + c.model() + "/infer",
                    request,
                    "x-prediction-id",
                    c.model());
            assertThat(r.statusCode()).isEqualTo(c.status());
            assertThat(r.body()).isEqualTo(c.body());
            HttpResponse<byte[]> direct =
                Http.post(model.uri(), "/v2/models/" + c.model() + "/infer", request);
            assertThat(r.headers().firstValue("content-type"))
                .isEqualTo(direct.headers().firstValue("content-type"));
          }
          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 3);
          for (Case c : cases) {
            PredictionRecord rec =
                sink.records.stream()
                    .filter(p -> p.getPredictionId().equals(c.model()))
                    .findFirst()
                    .orElseThrow();
            assertThat(rec.getStatusCode()).isEqualTo(c.status());
            assertThat(rec.getCaptureError()).startsWith(c.error());
            assertThat(rec.getFeaturesMap()).containsKey("x");
            assertThat(rec.getModel()).isEqualTo(c.model());
          }
        });
  }

  @Test
  void upstreamDownGives502JsonAndACapturedRecord() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ListSink sink = new ListSink();
    withSidecar(
        config(Http.local(closedPort)),
        sink,
        sidecar -> {
          URI proxy = Http.local(sidecar.port());
          for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r =
                Http.post(
                    proxy, "/v2/models/iris/infer", Http.infer("r", 1), "x-prediction-id", "d" + i);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(Http.text(r)).isEqualTo("{\"error\":\"upstream unreachable\"}");
            assertThat(r.headers().firstValue("content-type")).contains("application/json");
            assertThat(r.headers().firstValue("x-prediction-id")).contains("d" + i);
          }
          assertThat(Http.get(proxy, "/v2/health/live").statusCode()).isEqualTo(502);
          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 3);
          PredictionRecord rec = sink.records.get(0);
          assertThat(rec.getStatusCode()).isEqualTo(502);
          assertThat(rec.getCaptureError()).startsWith("upstream: unreachable");
          assertThat(rec.getFeaturesMap()).containsKey("x");
          assertThat(rec.getModel()).isEqualTo("iris");

          String metrics = Http.text(Http.get(Http.local(sidecar.adminPort()), "/metrics"));
          assertThat(metrics)
              .contains("driftwatch_sidecar_upstream_errors_total{reason=\"connect_failed\"} 4.0");
          assertThat(metrics).contains("driftwatch_sidecar_requests_total{code=\"502\"} 4.0");
          HttpResponse<byte[]> ready = Http.get(Http.local(sidecar.adminPort()), "/healthz/ready");
          assertThat(ready.statusCode()).isEqualTo(503);
          assertThat(Http.get(Http.local(sidecar.adminPort()), "/healthz/live").statusCode())
              .isEqualTo(200);
        });
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    withSidecar(
        config(model.uri()),
        new ListSink(),
        sidecar -> {
          byte[] slowBody = Http.infer("slow", 1);
          byte[] fastBody = Http.infer("fast", 2);
          String pipelined =
              request("POST", "/v2/models/slow/infer", slowBody, "x-delay-ms: 300\r\n")
                  + request("POST", "/v2/models/iris/infer", fastBody, "")
                  + request("GET", "/v2/health/ready", new byte[0], "");
          try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            RawResponse first = RawResponse.read(in);
            RawResponse second = RawResponse.read(in);
            RawResponse third = RawResponse.read(in);
            assertThat(first.body()).isEqualTo(StubModelServer.irisResponse(slowBody, ""));
            assertThat(second.body()).isEqualTo(StubModelServer.irisResponse(fastBody, ""));
            assertThat(third.status()).isEqualTo(200);
            assertThat(new String(third.body(), StandardCharsets.UTF_8)).contains("ready");
          }
        });
  }

  @Test
  void hopByHopHeadersAreNotForwarded() throws Exception {
    withSidecar(
        config(model.uri()),
        new ListSink(),
        sidecar -> {
          try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            String req =
                "GET /echo-headers HTTP/1.1\r\nHost: model\r\n"
                    + "Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\n"
                    + "Proxy-Authorization: Basic eDp5\r\nTE: trailers\r\nX-End-To-End: kept\r\n\r\n";
            socket.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            RawResponse r = RawResponse.read(socket.getInputStream());
            String seen = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(seen).contains("\"x-end-to-end\":\"kept\"").contains("\"host\":\"model\"");
            assertThat(seen)
                .doesNotContain("x-hop")
                .doesNotContain("keep-alive\":")
                .doesNotContain("proxy-authorization")
                .doesNotContain("\"te\"");
            assertThat(r.head()).containsIgnoringCase("x-prediction-id:");
          }
        });
  }

  @Test
  void largeAndChunkedBodiesStreamThroughAndCaptureIsTruncated() throws Exception {
    ListSink sink = new ListSink();
    withSidecar(
        config(model.uri()).maxCaptureBytes(1024),
        sink,
        sidecar -> {
          URI proxy = Http.local(sidecar.port());
          byte[] big = Http.infer("big", 20_000); // ~300 KB, far beyond the capture limit
          HttpResponse<byte[]> via = Http.post(proxy, "/v2/models/chunked/infer", big);
          HttpResponse<byte[]> direct = Http.post(model.uri(), "/v2/models/chunked/infer", big);
          assertThat(via.statusCode()).isEqualTo(200);
          assertThat(via.body()).isEqualTo(direct.body());
          assertThat(via.body().length).isGreaterThan(100_000);

          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
          PredictionRecord rec = sink.records.get(0);
          assertThat(rec.getTruncated()).isTrue();
          assertThat(rec.getCaptureError())
              .contains("request: truncated at 1024 bytes")
              .contains("response: truncated at 1024 bytes");
        });
  }

  @Test
  void upstreamClosingMidResponseClosesTheClientConnection() throws Exception {
    try (ServerSocket half = new ServerSocket(0)) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = half.accept()) {
                  InputStream in = s.getInputStream();
                  readHead(in);
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              + "Content-Length: 1000\r\n\r\n{\"outputs\":[")
                          .getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                } catch (IOException e) {
                  // The test fails on the client side if this side did not do its part.
                }
              });
      server.start();
      ListSink sink = new ListSink();
      withSidecar(
          // No readiness probe: the one-shot server must get the proxied request.
          config(Http.local(half.getLocalPort())).readinessProbeInterval(Duration.ZERO),
          sink,
          sidecar -> {
            URI proxy = Http.local(sidecar.port());
            assertThatThrownBy(() -> Http.post(proxy, "/v2/models/m/infer", Http.infer("r", 1)))
                .isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
            assertThat(sink.records.get(0).getCaptureError())
                .startsWith("upstream: closed mid-response");
            String metrics = Http.text(Http.get(Http.local(sidecar.adminPort()), "/metrics"));
            assertThat(metrics)
                .contains(
                    "driftwatch_sidecar_upstream_errors_total{reason=\"closed_mid_response\"} 1.0");
          });
      server.join(10_000);
    }
  }

  @Test
  void samplingKeepsErrorsAndSkipsUnsampledSuccesses() throws Exception {
    ListSink sink = new ListSink();
    withSidecar(
        config(model.uri()).samplingRate(0.0),
        sink,
        sidecar -> {
          URI proxy = Http.local(sidecar.port());
          for (int i = 0; i < 5; i++) {
            assertThat(Http.post(proxy, "/v2/models/iris/infer", Http.infer("r", 1)).statusCode())
                .isEqualTo(200);
          }
          assertThat(Http.post(proxy, "/v2/models/fail/infer", Http.infer("r", 1)).statusCode())
              .isEqualTo(500);
          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
          assertThat(sink.records.get(0).getStatusCode()).isEqualTo(500);
          assertThat(sink.records.get(0).getSamplingWeight()).isEqualTo(1.0);
          assertThat(sidecar.stats().captured()).isEqualTo(1);
        });
  }

  @Test
  void anExchangeThatBeginsWhileTheQueueIsFullIsShedEvenIfTheQueueDrainsBeforeItEnds()
      throws Exception {
    // The worker is held inside the sink on r1's record and r2 fills the one-place queue. r3, to
    // a slow model, begins while the queue is full and ends after the worker has drained it: it is
    // shed all the same (its bodies were never copied) and counted queue_full, and passes through.
    HeldSink held = new HeldSink();
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (SidecarServer sidecar =
        SidecarServer.start(config(model.uri()).captureQueueRecords(1).build(), held)) {
      URI proxy = Http.local(sidecar.port());
      URI admin = Http.local(sidecar.adminPort());
      byte[] request = Http.infer("r", 1);
      byte[] expected = Http.post(model.uri(), "/v2/models/slow/infer", request).body();

      post(proxy, "/v2/models/iris/infer", request, "r1");
      assertThat(held.awaitHeld(10)).isTrue();
      post(proxy, "/v2/models/iris/infer", request, "r2");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Http.text(Http.get(admin, "/metrics"))
                      .contains("driftwatch_sidecar_capture_queue_records 1.0"));
      int calls = model.inferCalls.get();
      Future<HttpResponse<byte[]>> slow =
          client.submit(
              () ->
                  Http.post(
                      proxy,
                      "/v2/models/slow/infer",
                      request,
                      "x-request-id",
                      "r3",
                      "x-delay-ms",
                      "1500"));
      // r3 has begun once the model has it, and the model holds it for 1.5 s.
      await().atMost(Duration.ofSeconds(10)).until(() -> model.inferCalls.get() > calls);
      held.release();
      await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.stats().sent() == 2);

      HttpResponse<byte[]> shed = slow.get(10, TimeUnit.SECONDS);
      assertThat(shed.statusCode()).isEqualTo(200);
      assertThat(shed.body()).isEqualTo(expected);
      assertThat(shed.headers().firstValue("x-prediction-id")).contains("r3");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sidecar.stats().droppedByReason().getOrDefault("queue_full", 0L) == 1L);
      assertThat(sidecar.stats().captured()).isEqualTo(3);
      assertThat(held.kept.records)
          .extracting(PredictionRecord::getPredictionId)
          .containsExactly("r1", "r2");
      assertThat(Http.text(Http.get(admin, "/metrics")))
          .contains("driftwatch_sidecar_records_dropped_total{reason=\"queue_full\"} 1.0");
    } finally {
      client.shutdownNow();
    }
  }

  private static void post(URI proxy, String path, byte[] body, String id) throws Exception {
    assertThat(Http.post(proxy, path, body, "x-request-id", id).statusCode()).isEqualTo(200);
  }

  @Test
  void adminServesMetricsAndHealth() throws Exception {
    withSidecar(
        config(model.uri()),
        new ListSink(),
        sidecar -> {
          URI admin = Http.local(sidecar.adminPort());
          Http.post(Http.local(sidecar.port()), "/v2/models/iris/infer", Http.infer("r", 3));
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> Http.get(admin, "/healthz/ready").statusCode() == 200);
          assertThat(sidecar.ready()).isTrue();
          assertThat(Http.get(admin, "/healthz/live").statusCode()).isEqualTo(200);
          assertThat(Http.get(admin, "/other").statusCode()).isEqualTo(404);
          await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.stats().sent() == 3);
          String metrics = Http.text(Http.get(admin, "/metrics"));
          for (String line :
              List.of(
                  "driftwatch_sidecar_requests_total{code=\"200\"} 1.0",
                  "driftwatch_sidecar_request_duration_seconds_bucket{le=\"1.0E-4\"}",
                  "driftwatch_sidecar_request_duration_seconds_bucket{le=\"10.0\"} 1",
                  "driftwatch_sidecar_request_duration_seconds_count 1",
                  "driftwatch_sidecar_records_captured_total 3.0",
                  "driftwatch_sidecar_records_sent_total 3.0",
                  "driftwatch_sidecar_records_dropped_total{reason=\"queue_full\"} 0.0",
                  "driftwatch_sidecar_records_dropped_total{reason=\"kafka_timeout\"} 0.0",
                  "driftwatch_sidecar_capture_queue_records 0.0",
                  "driftwatch_sidecar_capture_queue_bytes 0.0",
                  "driftwatch_sidecar_upstream_errors_total{reason=\"connect_failed\"} 0.0")) {
            assertThat(metrics).contains(line);
          }
        });
  }

  @Test
  void twoSidecarsRunInOneJvm() throws Exception {
    withSidecar(
        config(model.uri()),
        new ListSink(),
        a ->
            withSidecar(
                config(model.uri()),
                new ListSink(),
                b -> {
                  Http.post(Http.local(a.port()), "/v2/models/iris/infer", Http.infer("r", 1));
                  String metricsB = Http.text(Http.get(Http.local(b.adminPort()), "/metrics"));
                  assertThat(metricsB).doesNotContain("driftwatch_sidecar_requests_total{code");
                  assertThat(a.adminPort()).isNotEqualTo(b.adminPort());
                }));
  }

  @Test
  void expectContinueInterimResponsesPassThrough() throws Exception {
    ListSink sink = new ListSink();
    withSidecar(
        config(model.uri()),
        sink,
        sidecar -> {
          byte[] body = Http.infer("c", 1);
          try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                ("POST /v2/models/iris/infer HTTP/1.1\r\nHost: m\r\nExpect: 100-continue\r\n"
                        + "Content-Type: application/json\r\nContent-Length: "
                        + body.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 100");
            out.write(body);
            out.flush();
            RawResponse r = RawResponse.read(in);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(StubModelServer.irisResponse(body, ""));
          }
          await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
          assertThat(sink.records.get(0).getStatusCode()).isEqualTo(200);
        });
  }

  @Test
  void portsInUseFailTheStartWithTheAddress() throws Exception {
    withSidecar(
        config(model.uri()),
        new ListSink(),
        running -> {
          ListSink sink = new ListSink();
          assertThatThrownBy(
                  () ->
                      SidecarServer.start(
                          config(model.uri()).listenPort(running.port()).build(), sink))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageStartingWith("listen: 127.0.0.1:" + running.port() + " (expected:");
          assertThat(sink.closed()).isTrue();
          ListSink sink2 = new ListSink();
          assertThatThrownBy(
                  () ->
                      SidecarServer.start(
                          config(model.uri()).adminPort(running.adminPort()).build(), sink2))
              .isInstanceOf(UncheckedIOException.class)
              .hasMessageStartingWith("admin: 127.0.0.1:" + running.adminPort() + " (expected:");
          assertThat(sink2.closed()).isTrue();
        });
  }

  private static String request(String method, String path, byte[] body, String extraHeaders) {
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + extraHeaders
        + "Content-Length: "
        + body.length
        + "\r\n\r\n"
        + new String(body, StandardCharsets.ISO_8859_1);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("eof in head: " + sb);
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** A response read off a raw socket: Content-Length or chunked bodies. */
  record RawResponse(int status, String head, byte[] body) {
    static RawResponse read(InputStream in) throws IOException {
      String head = readHead(in);
      int status = Integer.parseInt(head.substring(9, 12));
      String lower = head.toLowerCase();
      int cl = lower.indexOf("content-length:");
      if (cl >= 0) {
        int end = lower.indexOf("\r\n", cl);
        int length = Integer.parseInt(head.substring(cl + 15, end).trim());
        return new RawResponse(status, head, in.readNBytes(length));
      }
      if (lower.contains("transfer-encoding: chunked")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
          String sizeLine = readLine(in);
          int size = Integer.parseInt(sizeLine.trim(), 16);
          if (size == 0) {
            readLine(in);
            return new RawResponse(status, head, out.toByteArray());
          }
          out.write(in.readNBytes(size));
          readLine(in);
        }
      }
      return new RawResponse(status, head, new byte[0]);
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return head + Arrays.toString(body);
    }
  }
}
