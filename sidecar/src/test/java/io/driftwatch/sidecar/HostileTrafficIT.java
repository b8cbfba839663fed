package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.sidecar.ProxyIT.RawResponse;
import io.driftwatch.sidecar.capture.ListSink;
import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.util.ResourceLeakDetector;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy against traffic nginx is expected to survive: slow and silent models, models that hang
 * up, clients that leave mid-request or mid-stream, 100 MB bodies, bytes that are not UTF-8 and
 * requests that are not HTTP. Each case checks what the client gets, what the model sees, what is
 * captured and counted, and that the sidecar serves the next request. Netty's leak detector runs at
 * its paranoid level for the whole class and any leaked buffer fails the test that leaked it.
 */
class HostileTrafficIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static ResourceLeakDetector.Level levelBefore;
  private static StubModelServer stub;

  private RawModel raw;

  @BeforeAll
  static void paranoidLeakDetection() throws Exception {
    levelBefore = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    byteBufLeakDetector().setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    stub = StubModelServer.start();
  }

  @AfterAll
  static void restoreLeakDetection() throws Exception {
    stub.close();
    byteBufLeakDetector().setLeakListener(null);
    ResourceLeakDetector.setLevel(levelBefore);
  }

  /** The detector behind every buffer Netty's allocators hand out. */
  private static ResourceLeakDetector<?> byteBufLeakDetector() throws ReflectiveOperationException {
    Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
    f.setAccessible(true);
    return (ResourceLeakDetector<?>) f.get(null);
  }

  @BeforeEach
  void startRawModel() throws IOException {
    raw = RawModel.start();
  }

  @AfterEach
  void noBufferLeaked() throws InterruptedException {
    raw.close();
    // Leaks are reported when a collected buffer's tracker is polled, which an allocation does.
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      for (int j = 0; j < 64; j++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        probe.release();
        ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
        heap.release();
      }
    }
    List<String> leaks = List.copyOf(LEAKS);
    LEAKS.clear();
    assertThat(leaks).as("Netty buffer leaks").isEmpty();
  }

  /** The proxy's socket transport ({@code io.transport}) for every case of this class. */
  String transport() {
    return "auto";
  }

  private SidecarConfig.Builder config(URI upstream) {
    return SidecarConfig.builder()
        .ioTransport(transport())
        .upstream(upstream)
        .listenHost("127.0.0.1")
        .listenPort(0)
        .adminHost("127.0.0.1")
        .adminPort(0)
        .readinessProbeInterval(Duration.ZERO)
        .shutdownTimeout(Duration.ofSeconds(2))
        .upstreamReadTimeout(Duration.ofSeconds(10))
        .clientReadTimeout(Duration.ofSeconds(10))
        .clientIdleTimeout(Duration.ofSeconds(10));
  }

  private static String metrics(SidecarServer sidecar) throws Exception {
    return Http.text(Http.get(Http.local(sidecar.adminPort()), "/metrics"));
  }

  private static PredictionRecord awaitRecord(ListSink sink, Predicate<PredictionRecord> which) {
    return await()
        .atMost(WAIT)
        .until(() -> sink.records.stream().filter(which).findFirst(), r -> r.isPresent())
        .orElseThrow();
  }

  private static Socket connect(SidecarServer sidecar) throws IOException {
    Socket s = new Socket("127.0.0.1", sidecar.port());
    s.setSoTimeout((int) WAIT.toMillis());
    return s;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String post(String path, byte[] body, String extraHeaders) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: model\r\nContent-Type: application/json\r\n"
        + extraHeaders
        + "Content-Length: "
        + body.length
        + "\r\n\r\n";
  }

  /** Whether the peer closed the connection: reads to the end, false if it stays open. */
  private static boolean closedByPeer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  private static void assertServesAfterwards(SidecarServer sidecar) throws Exception {
    HttpResponse<byte[]> r =
        Http.post(Http.local(sidecar.port()), "/v2/models/iris/infer", Http.infer("after", 1));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.text(r)).isEqualTo(RawModel.IRIS);
  }

  // 1. Slow models.

  @Test
  void aModelSlowerThanTheReadTimeoutGets504AndTheConnectionServesOn() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(
            config(stub.uri()).upstreamReadTimeout(Duration.ofMillis(1000)).build(), sink)) {
      byte[] slow = Http.infer("slow", 1);
      byte[] fast = Http.infer("fast", 1);
      try (Socket s = connect(sidecar)) {
        OutputStream out = s.getOutputStream();
        out.write(ascii(post("/v2/models/slow/infer", slow, "x-delay-ms: 10000\r\n")));
        out.write(slow);
        out.flush();
        RawResponse timedOut = RawResponse.read(s.getInputStream());
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(new String(timedOut.body(), StandardCharsets.UTF_8))
            .isEqualTo("{\"error\":\"upstream timed out\"}");
        assertThat(timedOut.head().toLowerCase(Locale.ROOT))
            .contains("content-type: application/json")
            .contains("x-prediction-id:")
            .doesNotContain("connection: close");

        // Within the timeout: passed through unchanged, on the same client connection.
        out.write(ascii(post("/v2/models/slow/infer", fast, "x-delay-ms: 100\r\n")));
        out.write(fast);
        out.flush();
        RawResponse ok = RawResponse.read(s.getInputStream());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(StubModelServer.irisResponse(fast, ""));
      }
      PredictionRecord rec = awaitRecord(sink, r -> r.getStatusCode() == 504);
      assertThat(rec.getCaptureError()).startsWith("upstream: timed out after 1000 ms");
      assertThat(rec.getFeaturesMap()).containsKey("x");
      assertThat(awaitRecord(sink, r -> r.getStatusCode() == 200).getCaptureError()).isEmpty();
      String m = metrics(sidecar);
      assertThat(m).contains("driftwatch_sidecar_upstream_errors_total{reason=\"timeout\"} 1.0");
      assertThat(m).contains("driftwatch_sidecar_requests_total{code=\"504\"} 1.0");
    }
  }

  @Test
  void aStreamIsNotCutWhileTokensKeepComingButIsWhenTheyStop() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(
            config(raw.uri()).upstreamReadTimeout(Duration.ofMillis(1500)).build(), sink)) {
      // 12 tokens 200 ms apart: 2.4 s in all, longer than the timeout.
      byte[] steady = chat("steady");
      try (Socket s = connect(sidecar)) {
        s.getOutputStream().write(ascii(post("/v1/chat/completions", steady, "x-tokens: 12\r\n")));
        s.getOutputStream().write(steady);
        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(RawModel.sse(12, true));
      }
      PredictionRecord whole = awaitRecord(sink, p -> p.getStatusCode() == 200);
      assertThat(whole.getCaptureError()).doesNotContain("timed out").doesNotContain("upstream");

      // Three tokens, then silence: the client connection is closed mid-stream, as nginx does.
      byte[] stalled = chat("stalled");
      try (Socket s = connect(sidecar)) {
        s.getOutputStream()
            .write(ascii(post("/v1/chat/completions", stalled, "x-tokens: 3\r\nx-stall: 1\r\n")));
        s.getOutputStream().write(stalled);
        InputStream in = s.getInputStream();
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200");
        byte[] rest = in.readAllBytes(); // ends when the sidecar closes the connection
        assertThat(new String(rest, StandardCharsets.UTF_8))
            .contains("token 2")
            .doesNotEndWith("0\r\n\r\n");
      }
      PredictionRecord cut =
          awaitRecord(sink, p -> p.getCaptureError().contains("upstream: timed out"));
      assertThat(cut.getCaptureError()).contains("mid-response");
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      assertThat(metrics(sidecar))
          .contains("driftwatch_sidecar_upstream_errors_total{reason=\"timeout\"} 1.0");
      assertServesAfterwards(sidecar);
    }
  }

  // 2. Clients that leave.

  @Test
  void aClientLeavingMidRequestBodyReleasesTheModelConnection() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(raw.uri()).build(), sink)) {
      try (Socket s = connect(sidecar)) {
        OutputStream out = s.getOutputStream();
        out.write(ascii(post("/v2/models/iris/infer", new byte[1_000_000], "")));
        out.write(ascii("{\"inputs\":[{\"name\":\"x\",\"data\":[1,2,3"));
        out.write(new byte[64 * 1024]);
        out.flush();
        await().atMost(WAIT).until(() -> raw.open.get() == 1);
        s.setSoLinger(true, 0); // reset, as a killed client does
      }
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      PredictionRecord rec = awaitRecord(sink, r -> r.getStatusCode() == 499);
      assertThat(rec.getCaptureError()).startsWith("client: closed the connection mid-request");
      assertThat(metrics(sidecar)).contains("driftwatch_sidecar_requests_total{code=\"499\"} 1.0");
      assertServesAfterwards(sidecar);
    }
  }

  @Test
  void aClientLeavingMidStreamReleasesTheModelConnection() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(raw.uri()).build(), sink)) {
      byte[] body = chat("leaver");
      try (Socket s = connect(sidecar)) {
        s.getOutputStream()
            .write(ascii(post("/v1/chat/completions", body, "x-tokens: 100000\r\n")));
        s.getOutputStream().write(body);
        InputStream in = s.getInputStream();
        assertThat(readHead(in)).startsWith("HTTP/1.1 200");
        byte[] some = in.readNBytes(200);
        assertThat(new String(some, StandardCharsets.UTF_8)).contains("token 0");
      }
      // The model notices on its next write that nobody listens any more.
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      PredictionRecord rec =
          awaitRecord(sink, r -> r.getCaptureError().startsWith("client: closed"));
      assertThat(rec.getStatusCode()).isEqualTo(200);
      assertThat(rec.getCaptureError()).startsWith("client: closed the connection mid-response");
      assertServesAfterwards(sidecar);
    }
  }

  @Test
  void aClientStallingInItsBodyGets408AndAnIdleOneIsClosed() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(
            config(raw.uri())
                .clientReadTimeout(Duration.ofMillis(1000))
                .clientIdleTimeout(Duration.ofMillis(1000))
                .build(),
            sink)) {
      try (Socket s = connect(sidecar)) {
        s.getOutputStream().write(ascii(post("/v2/models/iris/infer", new byte[100], "")));
        s.getOutputStream().write(ascii("{\"inputs\":"));
        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(408);
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
            .isEqualTo("{\"error\":\"request body timed out\"}");
        assertThat(r.head().toLowerCase(Locale.ROOT)).contains("connection: close");
        assertThat(closedByPeer(s)).isTrue();
      }
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      PredictionRecord rec = awaitRecord(sink, p -> p.getStatusCode() == 408);
      assertThat(rec.getCaptureError()).startsWith("client: request body timed out after 1000 ms");

      // Served once, then quiet: closed after the idle timeout, without a response.
      try (Socket s = connect(sidecar)) {
        byte[] body = Http.infer("idle", 1);
        s.getOutputStream().write(ascii(post("/v2/models/iris/infer", body, "")));
        s.getOutputStream().write(body);
        assertThat(RawResponse.read(s.getInputStream()).status()).isEqualTo(200);
        assertThat(closedByPeer(s)).isTrue();
      }
      // Never says anything: closed after the read timeout.
      try (Socket s = connect(sidecar)) {
        assertThat(closedByPeer(s)).isTrue();
      }
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      assertServesAfterwards(sidecar);
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedAfterTheSendTimeoutAndTheModelReleased() throws Exception {
    ListSink sink = new ListSink();
    try (BulkServer bulk = bulkServer();
        SidecarServer sidecar =
            SidecarServer.start(
                config(bulk.uri()).clientSendTimeout(Duration.ofMillis(1000)).build(), sink)) {
      byte[] body = Http.infer("stalled", 1);
      try (Socket s = connect(sidecar)) {
        // A response far larger than every buffer on the way, which the client never reads: the
        // proxy stops reading the model, and only the send timeout ends the standoff.
        s.getOutputStream()
            .write(ascii(post("/v2/models/bulk/infer", body, "x-bytes: 4000000000\r\n")));
        s.getOutputStream().write(body);
        long start = System.nanoTime();
        PredictionRecord rec =
            awaitRecord(sink, r -> r.getCaptureError().startsWith("client: took none"));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(rec.getStatusCode()).isEqualTo(200);
        assertThat(rec.getCaptureError())
            .isEqualTo("client: took none of the response for 1000 ms");
        // What was buffered before the close can still be read; then the connection ends.
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        try {
          for (int n; (n = in.read(buf)) >= 0; ) {
            read += n;
          }
        } catch (SocketException e) {
          // reset: ended too
        }
        assertThat(read).isLessThan(4_000_000_000L);
      }
      HttpResponse<byte[]> after =
          Http.post(Http.local(sidecar.port()), "/v2/models/digest/infer", body);
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }

  // 3. 100 MB each way.

  @Test
  void hundredMegabyteBodiesStreamThroughUnchangedInBoundedMemory() throws Exception {
    long size = 100L * 1024 * 1024;
    ListSink sink = new ListSink();
    try (BulkServer bulk = bulkServer();
        SidecarServer sidecar =
            SidecarServer.start(config(bulk.uri()).maxCaptureBytes(4096).build(), sink)) {
      PooledByteBufAllocatorMetric pool = PooledByteBufAllocator.DEFAULT.metric();
      long before = pool.usedDirectMemory() + pool.usedHeapMemory();
      AtomicLong peak = new AtomicLong();
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  peak.accumulateAndGet(pool.usedDirectMemory() + pool.usedHeapMemory(), Math::max);
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.start();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI proxy = Http.local(sidecar.port());

      // Request: the model hashes what it receives and answers the hash.
      MessageDigest sent = sha256();
      HttpResponse<String> up =
          client.send(
              HttpRequest.newBuilder(proxy.resolve("/v2/models/digest/infer"))
                  .timeout(Duration.ofMinutes(2))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.fromPublisher(
                          HttpRequest.BodyPublishers.ofInputStream(
                              () -> new DigestInputStream(new PseudoRandomStream(1, size), sent)),
                          size))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).isEqualTo(hex(sent.digest()) + " " + size);

      // Response: the model streams 100 MB; the client hashes what arrives.
      HttpResponse<InputStream> down =
          client.send(
              HttpRequest.newBuilder(proxy.resolve("/v2/models/bulk/infer"))
                  .timeout(Duration.ofMinutes(2))
                  .header("x-bytes", Long.toString(size))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(Http.infer("bulk", 1)))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(down.statusCode()).isEqualTo(200);
      MessageDigest got = sha256();
      long n;
      try (InputStream in = new DigestInputStream(down.body(), got)) {
        n = in.transferTo(OutputStream.nullOutputStream());
      }
      sampling.set(false);
      sampler.join();
      assertThat(n).isEqualTo(size);
      MessageDigest expected = sha256();
      try (InputStream in = new DigestInputStream(new PseudoRandomStream(2, size), expected)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      assertThat(got.digest()).isEqualTo(expected.digest());

      // Neither body was held: the pools grew by far less than one of them.
      assertThat(peak.get() - before).isLessThan(48L * 1024 * 1024);
      await().atMost(WAIT).until(() -> sink.records.size() == 2);
      for (PredictionRecord rec : sink.records) {
        assertThat(rec.getStatusCode()).isEqualTo(200);
        assertThat(rec.getTruncated()).isTrue();
        assertThat(rec.getCaptureError()).contains(": not JSON");
      }
    }
  }

  private static BulkServer bulkServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    ExecutorService executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext(
        "/v2/models/digest/infer",
        ex -> {
          try (ex) {
            MessageDigest d = sha256();
            long n;
            try (InputStream in = new DigestInputStream(ex.getRequestBody(), d)) {
              n = in.transferTo(OutputStream.nullOutputStream());
            }
            byte[] answer = (hex(d.digest()) + " " + n).getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
          }
        });
    server.createContext(
        "/v2/models/bulk/infer",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            long n = Long.parseLong(ex.getRequestHeaders().getFirst("x-bytes"));
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, n);
            try (InputStream in = new PseudoRandomStream(2, n);
                OutputStream out = ex.getResponseBody()) {
              in.transferTo(out);
            }
          }
        });
    server.start();
    return new BulkServer(server, executor);
  }

  /** The JDK's HTTP server with its threads, stopped together. */
  private record BulkServer(HttpServer server, ExecutorService executor) implements AutoCloseable {
    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  // 4. Bytes that are not UTF-8.

  @Test
  void invalidUtf8InBodiesAndHeadersPassesByteForByteAndIsCapturedAsUnreadable() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(raw.uri()).build(), sink)) {
      // ISO-8859-1 turns each char into the one byte it names: 0xff and 0xc3 0x28 are not UTF-8.
      byte[] body = ascii("{\"inputs\":[{\"name\":\"\u00ff\u00c3(\"}]}");
      byte[] header = ascii("X-Name: caf\u00e9 \u00c3(");
      try (Socket s = connect(sidecar)) {
        OutputStream out = s.getOutputStream();
        out.write(ascii("POST /v2/models/latin/infer HTTP/1.1\r\nHost: model\r\n"));
        out.write(header);
        out.write(ascii("\r\nContent-Length: " + body.length + "\r\n\r\n"));
        out.write(body);
        out.flush();
        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(RawModel.LATIN_BODY);
        assertThat(r.head())
            .contains(new String(RawModel.LATIN_HEADER, StandardCharsets.ISO_8859_1));
      }
      RawModel.Head seen = raw.heads.get(0);
      assertThat(seen.text()).contains(new String(header, StandardCharsets.ISO_8859_1));
      assertThat(seen.body()).isEqualTo(body);

      PredictionRecord rec = awaitRecord(sink, p -> true);
      assertThat(rec.getStatusCode()).isEqualTo(200);
      assertThat(rec.getCaptureError()).contains("request: malformed JSON");
      assertThat(rec.getCaptureError()).contains("response: malformed JSON");
      await().atMost(WAIT).until(() -> sidecar.stats().sent() == 1);
      assertThat(sidecar.stats().dropped()).isZero();
      // Operators see it without reading records: a successful prediction that could not be read.
      assertThat(metrics(sidecar))
          .contains("driftwatch_sidecar_records_unreadable_total{protocol=\"kserve_v2_rest\"} 1.0");
      assertServesAfterwards(sidecar);
    }
  }

  // 5. Requests that are not HTTP.

  @Test
  void malformedRequestsAreRefusedInTheirTurnAndNeverForwarded() throws Exception {
    record Case(String name, String request, int status, String error) {}
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: model\r\n\r\n";
    List<Case> cases =
        List.of(
            new Case("garbage", "\u0001\u0002 hello \u00ff\r\n\r\n", 400, "bad request"),
            new Case(
                "bare LF", "GET /v2/health/ready HTTP/1.1\nHost: model\n\n", 400, "bad request"),
            new Case(
                "request line too long",
                "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: model\r\n\r\n",
                414,
                "request line too long"),
            new Case(
                "headers too large",
                "GET / HTTP/1.1\r\nHost: model\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                431,
                "request headers too large"),
            new Case(
                "Content-Length and Transfer-Encoding",
                "POST /v2/models/iris/infer HTTP/1.1\r\nHost: model\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    + smuggled,
                400,
                "bad request"),
            new Case(
                "two Content-Lengths",
                "POST /v2/models/iris/infer HTTP/1.1\r\nHost: model\r\nContent-Length: 0\r\n"
                    + "Content-Length: "
                    + smuggled.length()
                    + "\r\n\r\n"
                    + smuggled,
                400,
                "bad request"),
            new Case(
                "a coding other than chunked last",
                "POST /v2/models/iris/infer HTTP/1.1\r\nHost: model\r\n"
                    + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
                    + smuggled,
                400,
                "bad request"),
            new Case(
                "space before the colon",
                "POST /v2/models/iris/infer HTTP/1.1\r\nHost: model\r\n"
                    + "Transfer-Encoding : chunked\r\nContent-Length: 0\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n"
                    + smuggled,
                400,
                "bad request"),
            new Case(
                "Transfer-Encoding in HTTP/1.0",
                "POST /v2/models/iris/infer HTTP/1.0\r\nHost: model\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                    + smuggled,
                400,
                "bad request"));
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(raw.uri()).build(), sink)) {
      for (Case c : cases) {
        try (Socket s = connect(sidecar)) {
          s.getOutputStream().write(ascii(c.request()));
          s.getOutputStream().flush();
          RawResponse r = RawResponse.read(s.getInputStream());
          assertThat(r.status()).as(c.name()).isEqualTo(c.status());
          assertThat(new String(r.body(), StandardCharsets.UTF_8))
              .as(c.name())
              .isEqualTo("{\"error\":\"" + c.error() + "\"}");
          assertThat(r.head().toLowerCase(Locale.ROOT))
              .as(c.name())
              .contains("content-type: application/json")
              .contains("connection: close");
          assertThat(closedByPeer(s)).as(c.name()).isTrue();
        }
      }
      assertThat(raw.heads).as("requests the model saw").isEmpty();

      // A good request pipelined before a bad one is answered first; the bad one is not forwarded.
      try (Socket s = connect(sidecar)) {
        byte[] body = Http.infer("good", 1);
        s.getOutputStream()
            .write(
                ascii(
                    post("/v2/models/iris/infer", body, "")
                        + new String(body, StandardCharsets.ISO_8859_1)
                        + "BREW /pot HTCPCP/1.0\r\n\r\n"));
        InputStream in = s.getInputStream();
        RawResponse first = RawResponse.read(in);
        assertThat(first.status()).isEqualTo(200);
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo(RawModel.IRIS);
        assertThat(RawResponse.read(in).status()).isEqualTo(400);
        assertThat(closedByPeer(s)).isTrue();
      }
      // A bad chunk in a body the model is already reading: 400, and the model's connection goes.
      try (Socket s = connect(sidecar)) {
        s.getOutputStream()
            .write(
                ascii(
                    "POST /v2/models/iris/infer HTTP/1.1\r\nHost: model\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"inp\r\nzz\r\n"
                        + smuggled));
        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(400);
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
            .isEqualTo("{\"error\":\"bad request body\"}");
        assertThat(closedByPeer(s)).isTrue();
      }
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      assertThat(raw.heads).extracting(RawModel.Head::path).doesNotContain("/smuggled");
      assertThat(awaitRecord(sink, p -> p.getStatusCode() == 400).getCaptureError())
          .startsWith("client: invalid request body");
      assertThat(metrics(sidecar))
          .contains("driftwatch_sidecar_requests_total{code=\"400\"} 9.0")
          .contains("driftwatch_sidecar_requests_total{code=\"414\"} 1.0")
          .contains("driftwatch_sidecar_requests_total{code=\"431\"} 1.0");
      assertServesAfterwards(sidecar);
    }
  }

  // 5b. Bodies framed differently on each side.

  @Test
  void bodiesAreReframedForTheClientAndBodilessResponsesStayBodiless() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(raw.uri()).build(), sink)) {
      try (Socket s = connect(sidecar)) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        // A body that ends with the model's connection reaches an HTTP/1.1 client chunked, and
        // the client's connection stays open.
        out.write(ascii("GET /framing/until-close HTTP/1.1\r\nHost: model\r\n\r\n"));
        out.flush();
        RawResponse r = RawResponse.read(in);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.head().toLowerCase(Locale.ROOT)).contains("transfer-encoding: chunked");
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).isEqualTo(RawModel.FRAMED);
        // A HEAD response declares a length and has no body: the next response on the same
        // connections (client and model) is read from its first byte.
        out.write(ascii("HEAD /v2/models/iris/infer HTTP/1.1\r\nHost: model\r\n\r\n"));
        out.write(ascii("GET /framing/no-content HTTP/1.1\r\nHost: model\r\n\r\n"));
        out.write(ascii("GET /framing/chunked HTTP/1.1\r\nHost: model\r\n\r\n"));
        out.flush();
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200 ");
        assertThat(head.toLowerCase(Locale.ROOT))
            .contains("content-length: " + RawModel.IRIS.length());
        String noContent = readHead(in);
        assertThat(noContent).startsWith("HTTP/1.1 204 ");
        assertThat(noContent.toLowerCase(Locale.ROOT)).contains("x-seen: yes");
        RawResponse chunked = RawResponse.read(in);
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(new String(chunked.body(), StandardCharsets.ISO_8859_1))
            .isEqualTo(RawModel.FRAMED);
      }
      // HTTP/1.0 has no chunked coding: the client gets the content alone, ended by the close.
      try (Socket s = connect(sidecar)) {
        s.getOutputStream().write(ascii("GET /framing/chunked HTTP/1.0\r\n\r\n"));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String head = readHead(in).toLowerCase(Locale.ROOT);
        assertThat(head).startsWith("http/1.1 200 ").doesNotContain("transfer-encoding");
        assertThat(head).contains("connection: close");
        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
            .isEqualTo(RawModel.FRAMED);
      }
      assertThat(raw.heads)
          .extracting(RawModel.Head::path)
          .contains("/framing/until-close", "/framing/no-content", "/framing/chunked");
      assertServesAfterwards(sidecar);
    }
  }

  // 6. A model that hangs up without a word.

  @Test
  void aModelClosingWithoutAResponseGets502() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config(raw.uri()).build(), sink)) {
      HttpResponse<byte[]> r =
          Http.post(
              Http.local(sidecar.port()),
              "/v2/models/mute/infer",
              Http.infer("m", 1),
              "x-prediction-id",
              "mute-1");
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(Http.text(r)).isEqualTo("{\"error\":\"upstream closed the connection\"}");
      assertThat(r.headers().firstValue("content-type")).contains("application/json");
      PredictionRecord rec = awaitRecord(sink, p -> p.getPredictionId().equals("mute-1"));
      assertThat(rec.getStatusCode()).isEqualTo(502);
      assertThat(rec.getCaptureError()).startsWith("upstream: closed before responding");
      assertThat(rec.getFeaturesMap()).containsKey("x");
      assertThat(metrics(sidecar))
          .contains(
              "driftwatch_sidecar_upstream_errors_total{reason=\"closed_before_response\"} 1.0");
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      assertServesAfterwards(sidecar);
    }
  }

  // 7. Connections to the model, shared between clients.

  @Test
  void anIdleModelConnectionServesTheNextClientAndClosesAfterTheKeepaliveTimeout()
      throws Exception {
    try (SidecarServer sidecar =
            SidecarServer.start(
                config(raw.uri())
                    .ioThreads(1) // one event loop, so one pool for both clients
                    .upstreamKeepaliveTimeout(Duration.ofMillis(1500))
                    .build(),
                new ListSink());
        Socket first = connect(sidecar);
        Socket second = connect(sidecar)) {
      byte[] body = Http.infer("shared", 1);
      for (Socket s : List.of(first, second, first)) {
        s.getOutputStream().write(ascii(post("/v2/models/iris/infer", body, "")));
        s.getOutputStream().write(body);
        RawResponse r = RawResponse.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(RawModel.IRIS);
      }
      // Both clients stay connected: with a model connection per client there would be two.
      assertThat(raw.heads).hasSize(3);
      assertThat(raw.open.get()).isEqualTo(1);

      // Idle for the keep-alive timeout: the model connection is closed, the clients are not.
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      second.getOutputStream().write(ascii(post("/v2/models/iris/infer", body, "")));
      second.getOutputStream().write(body);
      assertThat(RawResponse.read(second.getInputStream()).status()).isEqualTo(200);
      assertThat(raw.open.get()).isEqualTo(1);
    }
  }

  @Test
  void aModelConnectionThatCarriedAnAbandonedExchangeIsNotReused() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(config(raw.uri()).ioThreads(1).build(), sink)) {
      byte[] body = chat("left");
      try (Socket s = connect(sidecar)) {
        s.getOutputStream().write(ascii(post("/v1/chat/completions", body, "x-tokens: 5\r\n")));
        s.getOutputStream().write(body);
        assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
        s.setSoLinger(true, 0);
      }
      awaitRecord(sink, r -> r.getCaptureError().startsWith("client: closed"));
      await().atMost(WAIT).until(() -> raw.open.get() == 0);
      // The next request opens a connection of its own: the model sees a clean request.
      assertServesAfterwards(sidecar);
      assertThat(raw.heads).hasSize(2);
      assertThat(raw.open.get()).isEqualTo(1);
    }
  }

  // Helpers.

  private static byte[] chat(String id) {
    return ascii(
        "{\"model\":\"m\",\"stream\":true,\"user\":\""
            + id
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** {@code size} seeded pseudo-random bytes, made as they are read: nothing is held. */
  static final class PseudoRandomStream extends InputStream {
    private final SplittableRandom random;
    private long left;

    PseudoRandomStream(long seed, long size) {
      this.random = new SplittableRandom(seed);
      this.left = size;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return random.nextInt(256);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) random.nextInt(256);
      }
      left -= n;
      return n;
    }
  }

  /**
   * A model server on a raw socket, to misbehave in ways an HTTP library will not: it keeps every
   * request head it read (with the body, byte for byte) and counts its open connections. By model
   * name: {@code mute} closes without answering; {@code latin} answers bytes that are not UTF-8;
   * {@code /v1/chat/completions} streams {@code x-tokens} server-sent events 200 ms apart (or 20 ms
   * when there are over 100), then with {@code x-stall} goes silent; anything else gets {@link
   * #IRIS}.
   */
  static final class RawModel implements AutoCloseable {
    /** The body of the /framing/ paths. */
    static final String FRAMED = "framed by the model, re-framed by the proxy";

    static final String IRIS =
        "{\"model_name\":\"iris\",\"model_version\":\"1\",\"outputs\":[{\"name\":\"label\","
            + "\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"setosa\"]}]}";
    static final byte[] LATIN_HEADER = ascii("X-Label: \u00e9t\u00e9 \u00ff");
    static final byte[] LATIN_BODY = ascii("{\"outputs\":[\"\u00e9\u00fe\"]}");

    record Head(String path, String text, byte[] body) {}

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    final AtomicInteger open = new AtomicInteger();
    final List<Head> heads = new CopyOnWriteArrayList<>();
    private final Map<Socket, Boolean> sockets = new ConcurrentHashMap<>();

    private RawModel(ServerSocket server) {
      this.server = server;
    }

    static RawModel start() throws IOException {
      RawModel m = new RawModel(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
      m.pool.execute(m::accept);
      return m;
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    static byte[] sse(int tokens, boolean done) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < tokens; i++) {
        sb.append(token(i));
      }
      if (done) {
        sb.append("data: [DONE]\n\n");
      }
      return ascii(sb.toString());
    }

    private static String token(int i) {
      return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token " + i + "\"}}]}\n\n";
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          open.incrementAndGet();
          sockets.put(s, true);
          pool.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (true) {
          String head = readHeadOrNull(in);
          if (head == null) {
            return;
          }
          String path =
              head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
          byte[] body = readBody(head, in);
          heads.add(new Head(path, head, body));
          if (!answer(path, head, in, out)) {
            return;
          }
        }
      } catch (IOException | InterruptedException e) {
        // The peer went away: what the tests look at is the connection count below.
      } finally {
        sockets.remove(s);
        open.decrementAndGet();
      }
    }

    private static boolean answer(String path, String head, InputStream in, OutputStream out)
        throws IOException, InterruptedException {
      String lower = head.toLowerCase(Locale.ROOT);
      if (path.equals("/v2/models/mute/infer")) {
        return false;
      }
      if (path.equals("/framing/until-close")) {
        // No length and no chunking: the body ends when the connection does.
        out.write(
            ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"));
        out.write(ascii(FRAMED));
        out.flush();
        return false;
      }
      if (path.equals("/framing/chunked")) {
        out.write(
            ascii(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"));
        chunk(out, ascii(FRAMED.substring(0, 7)));
        chunk(out, ascii(FRAMED.substring(7)));
        out.write(ascii("0\r\n\r\n"));
        out.flush();
        return true;
      }
      if (path.equals("/framing/no-content")) {
        out.write(ascii("HTTP/1.1 204 No Content\r\nX-Seen: yes\r\n\r\n"));
        out.flush();
        return true;
      }
      if (head.startsWith("HEAD ")) {
        // The length the body would have, and no body.
        out.write(
            ascii(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + IRIS.length()
                    + "\r\n\r\n"));
        out.flush();
        return true;
      }
      if (path.equals("/v2/models/latin/infer")) {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"));
        out.write(LATIN_HEADER);
        out.write(ascii("\r\nContent-Length: " + LATIN_BODY.length + "\r\n\r\n"));
        out.write(LATIN_BODY);
        out.flush();
        return true;
      }
      if (path.equals("/v1/chat/completions")) {
        int tokens = Integer.parseInt(header(lower, "x-tokens"));
        boolean stall = header(lower, "x-stall") != null;
        out.write(
            ascii(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"));
        out.flush();
        for (int i = 0; i < tokens; i++) {
          chunk(out, ascii(token(i)));
          Thread.sleep(tokens > 100 ? 20 : 200);
        }
        if (stall) {
          // Silent until the sidecar gives up and closes the connection.
          while (in.read() >= 0) {
            // Nothing more is sent on this connection.
          }
          return false;
        }
        chunk(out, ascii("data: [DONE]\n\n"));
        out.write(ascii("0\r\n\r\n"));
        out.flush();
        return true;
      }
      byte[] iris = ascii(IRIS);
      out.write(
          ascii(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + iris.length
                  + "\r\n\r\n"));
      out.write(iris);
      out.flush();
      return true;
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
      out.write(ascii(Integer.toHexString(data.length) + "\r\n"));
      out.write(data);
      out.write(ascii("\r\n"));
      out.flush();
    }

    private static String header(String lowerHead, String name) {
      int i = lowerHead.indexOf("\r\n" + name + ":");
      if (i < 0) {
        return null;
      }
      int start = i + name.length() + 3;
      return lowerHead.substring(start, lowerHead.indexOf("\r\n", start)).trim();
    }

    private static byte[] readBody(String head, InputStream in) throws IOException {
      String lower = head.toLowerCase(Locale.ROOT);
      String length = header(lower, "content-length");
      if (length != null) {
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length < Integer.parseInt(length)) {
          throw new IOException("body cut short");
        }
        return body;
      }
      if (!"chunked".equals(header(lower, "transfer-encoding"))) {
        return new byte[0];
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String line = readLine(in);
        int size = Integer.parseInt(line.trim(), 16);
        if (size == 0) {
          readLine(in);
          return body.toByteArray();
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("eof in line");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    private static String readHeadOrNull(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      while (!sb.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return null;
        }
        sb.append((char) c);
      }
      return sb.toString();
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        // Closing a listening socket that is already closed.
      }
      for (Socket s : sockets.keySet()) {
        try {
          s.close();
        } catch (IOException e) {
          // Already gone.
        }
      }
      pool.shutdownNow();
    }
  }
}
