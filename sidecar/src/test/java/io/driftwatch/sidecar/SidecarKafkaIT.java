package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.sidecar.capture.DropReason;
import io.driftwatch.sidecar.sched.SchedPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sidecar against a real Kafka broker (and against none at all). */
class SidecarKafkaIT {
  private static KafkaFixture kafka;
  private static StubModelServer model;

  @BeforeAll
  static void start() throws IOException {
    kafka = KafkaFixture.start();
    model = StubModelServer.start();
  }

  @AfterAll
  static void stop() {
    model.close();
    kafka.close();
  }

  static SidecarConfig.Builder config(URI upstream, String bootstrap, String topic) {
    return SidecarConfig.builder()
        .upstream(upstream)
        .listenHost("127.0.0.1")
        .listenPort(0)
        .adminHost("127.0.0.1")
        .adminPort(0)
        .kafkaBootstrapServers(bootstrap)
        .topic(topic)
        .readinessProbeInterval(Duration.ZERO)
        .shutdownTimeout(Duration.ofSeconds(4));
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Map<String, PredictionRecord> read(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> read =
        kafka.readTopic(topic, count, Duration.ofSeconds(30));
    Map<String, PredictionRecord> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : read) {
      var decoded = Records.decodePrediction(r.value());
      assertThat(decoded.isOk()).as("decodes: %s", decoded).isTrue();
      PredictionRecord p = decoded.value();
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(key).isEqualTo(p.getModel() + "/" + p.getModelVersion());
      assertThat(byId.put(p.getPredictionId(), p)).as("duplicate %s", p.getPredictionId()).isNull();
    }
    return byId;
  }

  @Test
  void everyPredictionReachesTheTopic() throws Exception {
    String topic = "it.predictions";
    kafka.createTopic(topic, 3);
    int requests = 40;
    Map<String, Integer> rowsById = new HashMap<>();
    try (SidecarServer sidecar =
        SidecarServer.start(config(model.uri(), kafka.bootstrapServers(), topic).build())) {
      URI proxy = Http.local(sidecar.port());
      for (int i = 0; i < requests; i++) {
        int rows = i % 4 == 0 ? 3 : 1;
        byte[] body = Http.infer("q" + i, rows);
        HttpResponse<byte[]> r =
            i % 2 == 0
                ? Http.post(proxy, "/v2/models/iris/versions/2/infer", body)
                : Http.post(
                    proxy, "/v2/models/iris/versions/2/infer", body, "x-prediction-id", "p" + i);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(StubModelServer.irisResponse(body, "2"));
        String id = r.headers().firstValue("x-prediction-id").orElseThrow();
        if (i % 2 == 1) {
          assertThat(id).isEqualTo("p" + i);
        }
        rowsById.put(id, rows);
      }
      int expected = rowsById.values().stream().mapToInt(Integer::intValue).sum();
      await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.stats().sent() == expected);
      SidecarStats s = sidecar.stats();
      assertThat(s.captured()).isEqualTo(expected);
      assertThat(s.dropped()).isZero();
      if (SchedPolicy.available()) {
        // capture.cpu.priority=idle (the default): the producer's network thread, started by the
        // capture worker, inherited its SCHED_IDLE class. /proc names threads by 15 characters.
        assertThat(SchedPolicy.ofThreadsNamed("kafka-producer-")).contains(SchedPolicy.IDLE);
      }

      Map<String, PredictionRecord> records = read(topic, expected);
      assertThat(records).hasSize(expected);
      for (Map.Entry<String, Integer> e : rowsById.entrySet()) {
        for (int row = 0; row < e.getValue(); row++) {
          String id = e.getValue() == 1 ? e.getKey() : e.getKey() + "/" + row;
          PredictionRecord p = records.get(id);
          assertThat(p).as(id).isNotNull();
          assertThat(p.getModel()).isEqualTo("iris");
          assertThat(p.getModelVersion()).isEqualTo("2");
          assertThat(p.getStatusCode()).isEqualTo(200);
          assertThat(p.getLatencyMicros()).isPositive();
          assertThat(p.getTimestampMicros()).isGreaterThan(1_600_000_000_000_000L);
          assertThat(p.getFeaturesMap().get("x").getNumber()).isEqualTo(row + 0.5);
          assertThat(p.getFeaturesMap().get("city").getText()).isEqualTo("Paris");
          assertThat(p.getOutputsMap().get("label").getText()).isNotEmpty();
          assertThat(p.getOutputsMap().get("scores").getNumbers().getValuesCount()).isEqualTo(3);
          assertThat(p.getCaptureError()).isEmpty();
          assertThat(p.getSamplingWeight()).isEqualTo(1.0);
        }
      }
    }
  }

  @Test
  void badAnswersAndAnUnreachableModelAreCapturedWithTheirErrors() throws Exception {
    String topic = "it.errors";
    kafka.createTopic(topic, 1);
    byte[] body = Http.infer("e", 1);
    try (SidecarServer sidecar =
            SidecarServer.start(config(model.uri(), kafka.bootstrapServers(), topic).build());
        SidecarServer orphan =
            SidecarServer.start(
                config(Http.local(closedPort()), kafka.bootstrapServers(), topic).build())) {
      URI proxy = Http.local(sidecar.port());
      record Case(String model, int status, byte[] body) {}
      for (Case c :
          List.of(
              new Case("broken", 200, StubModelServer.BROKEN),
              new Case("text", 200, StubModelServer.TEXT),
              new Case("fail", 500, StubModelServer.FAIL))) {
        HttpResponse<byte[]> r =
            Http.post(
                proxy, "/v2/models/" + c.model() + "/infer", body, "x-prediction-id", c.model());
        assertThat(r.statusCode()).isEqualTo(c.status());
        assertThat(r.body()).isEqualTo(c.body());
      }
      HttpResponse<byte[]> down =
          Http.post(
              Http.local(orphan.port()), "/v2/models/iris/infer", body, "x-prediction-id", "down");
      assertThat(down.statusCode()).isEqualTo(502);
      assertThat(Http.text(down)).isEqualTo("{\"error\":\"upstream unreachable\"}");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sidecar.stats().sent() == 3 && orphan.stats().sent() == 1);
      Map<String, PredictionRecord> records = read(topic, 4);
      assertThat(records.get("broken").getStatusCode()).isEqualTo(200);
      assertThat(records.get("broken").getCaptureError()).startsWith("response: malformed JSON");
      assertThat(records.get("text").getCaptureError()).isEqualTo("response: not JSON");
      assertThat(records.get("fail").getStatusCode()).isEqualTo(500);
      assertThat(records.get("fail").getCaptureError())
          .isEqualTo("response: status 500: model exploded");
      assertThat(records.get("down").getStatusCode()).isEqualTo(502);
      assertThat(records.get("down").getCaptureError()).startsWith("upstream: unreachable");
      assertThat(records.values()).allSatisfy(p -> assertThat(p.getFeaturesMap()).containsKey("x"));
    }
  }

  @Test
  void kafkaDownForTheWholeRunNeverTouchesInference() throws Exception {
    int queueBound = 20;
    SidecarConfig config =
        config(model.uri(), "127.0.0.1:" + closedPort(), "it.nowhere")
            .captureQueueRecords(queueBound)
            .shutdownTimeout(Duration.ofSeconds(2))
            // If anything on the request path waited for Kafka, requests would take 5 s.
            .producerOverride("max.block.ms", "5000")
            .build();
    int threads = 4;
    int perThread = 60;
    AtomicLong slowest = new AtomicLong();
    AtomicInteger maxQueued = new AtomicInteger();
    Set<Integer> statuses = ConcurrentHashMap.newKeySet();
    SidecarServer sidecar = SidecarServer.start(config);
    try {
      URI proxy = Http.local(sidecar.port());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    byte[] body = Http.infer("k" + thread + "-" + i, 2);
                    long start = System.nanoTime();
                    HttpResponse<byte[]> r = Http.post(proxy, "/v2/models/iris/infer", body);
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    statuses.add(r.statusCode());
                    assertThat(r.body()).isEqualTo(StubModelServer.irisResponse(body, ""));
                    SidecarStats s = sidecar.stats();
                    maxQueued.accumulateAndGet(s.queuedExchanges(), Math::max);
                    assertThat(s.queuedBytes()).isLessThanOrEqualTo(config.captureQueueBytes());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      String metrics = Http.text(Http.get(Http.local(sidecar.adminPort()), "/metrics"));
      assertThat(metrics).contains("driftwatch_sidecar_requests_total{code=\"200\"} 240.0");
    } finally {
      sidecar.close();
    }
    SidecarStats end = sidecar.stats();
    assertThat(statuses).containsExactly(200);
    assertThat(Duration.ofNanos(slowest.get())).isLessThan(Duration.ofMillis(2_500));
    assertThat(maxQueued.get()).isLessThanOrEqualTo(queueBound);
    assertThat(end.sent()).isZero();
    assertThat(end.queuedExchanges()).isZero();
    assertThat(end.inFlight()).isZero();
    assertThat(end.captured()).isEqualTo(end.sent() + end.dropped()).isPositive();
    assertThat(end.droppedByReason().get(DropReason.QUEUE_FULL)).isPositive();
    Set<String> reasons = new HashSet<>();
    end.droppedByReason()
        .forEach(
            (r, n) -> {
              if (n > 0) {
                reasons.add(r);
              }
            });
    assertThat(reasons)
        .isSubsetOf(DropReason.QUEUE_FULL, DropReason.KAFKA_TIMEOUT, DropReason.SHUTDOWN);
  }
}
