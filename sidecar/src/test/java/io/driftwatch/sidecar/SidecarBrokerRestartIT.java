package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.embedded.EmbeddedKafka;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away in the middle of traffic and comes back on the same ports and data. */
class SidecarBrokerRestartIT {

  @Test
  void inferenceNeverFailsAndDeliveryResumesWithoutARestart(@TempDir Path dir) throws Exception {
    String topic = "it.restart";
    EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults().withDataDir(dir);
    EmbeddedKafka kafka = EmbeddedKafka.start(options);
    kafka.createTopic(topic, 1);
    String bootstrap = kafka.bootstrapServers();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger requests = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try (StubModelServer model = StubModelServer.start();
        SidecarServer sidecar =
            SidecarServer.start(
                SidecarKafkaIT.config(model.uri(), bootstrap, topic)
                    .shutdownTimeout(Duration.ofSeconds(10))
                    .build())) {
      URI proxy = Http.local(sidecar.port());
      Thread load =
          new Thread(
              () -> {
                int i = 0;
                while (running.get()) {
                  byte[] body = Http.infer("b" + i++, 1);
                  try {
                    HttpResponse<byte[]> r = Http.post(proxy, "/v2/models/iris/infer", body);
                    if (r.statusCode() != 200
                        || !Arrays.equals(r.body(), StubModelServer.irisResponse(body, ""))) {
                      failures.add("status " + r.statusCode());
                    }
                  } catch (Exception e) {
                    failures.add(e.toString());
                  }
                  requests.incrementAndGet();
                }
              },
              "load");
      load.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.stats().sent() >= 20);
        kafka.close();
        int atStop = requests.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> requests.get() >= atStop + 50);
        long sentWhileDown = sidecar.stats().sent();

        kafka = EmbeddedKafka.start(options);
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> sidecar.stats().sent() >= sentWhileDown + 50);
      } finally {
        running.set(false);
        load.join(30_000);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                SidecarStats s = sidecar.stats();
                return s.queuedExchanges() == 0
                    && s.inFlight() == 0
                    && s.captured() == s.sent() + s.dropped();
              });
      SidecarStats s = sidecar.stats();
      assertThat(failures).isEmpty();
      assertThat(s.captured()).isEqualTo(requests.get());
      assertThat(s.captured()).isEqualTo(s.sent() + s.dropped());
      // An outage shorter than delivery.timeout.ms, with room in the queue, loses nothing.
      assertThat(s.dropped()).isZero();

      Set<String> ids = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, topic, s.sent())) {
        PredictionRecord p = Records.decodePrediction(r.value()).value();
        assertThat(ids.add(p.getPredictionId())).as("duplicate %s", p.getPredictionId()).isTrue();
      }
      assertThat((long) ids.size()).isEqualTo(s.sent());
    } finally {
      kafka.close();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrap, String topic, long count) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // Anything beyond the count would be a duplicate: give it a moment to show up.
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }
}
