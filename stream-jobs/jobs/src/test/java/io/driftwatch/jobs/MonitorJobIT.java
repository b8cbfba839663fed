package io.driftwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.schema.Decoded;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.PredictionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The monitor job on a real broker and a real MiniCluster. */
class MonitorJobIT {
  private static KafkaFixture kafka;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void countsEveryPredictionOnceAndRoutesGarbageToTheDlq() throws Exception {
    String in = "it.predictions", metrics = "it.metrics", dlq = "it.dlq";
    kafka.createTopic(in, 2);
    kafka.createTopic(metrics, 1);
    kafka.createTopic(dlq, 1);
    MonitorJobConfig config =
        MonitorJobConfig.defaults(kafka.bootstrapServers())
            .withTopics(in, metrics, dlq)
            .withWindow(Duration.ofSeconds(2))
            .withTiming(
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1))
            .withIdentity("it-monitor", "it-monitor")
            .withParallelism(2);
    JobClient job = MonitorJob.start(EmbeddedFlink.environment(2), config);
    try {
      int served = 300;
      int serverErrors = 0;
      long now = System.currentTimeMillis();
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
        for (int i = 0; i < served; i++) {
          int status = i % 20 == 0 ? 503 : 200;
          serverErrors += status == 503 ? 1 : 0;
          String model = i % 3 == 0 ? "fraud" : "credit-risk";
          PredictionRecord r =
              PredictionRecord.newBuilder()
                  .setSchemaVersion(Records.SCHEMA_VERSION)
                  .setPredictionId("p" + i)
                  .setModel(model)
                  .setModelVersion("1")
                  .setTimestampMicros((now + i) * 1000)
                  .setLatencyMicros(1000 + i)
                  .setStatusCode(status)
                  .build();
          producer.send(
              new ProducerRecord<>(in, null, now + i, bytes(model + "/1"), r.toByteArray()));
        }
        producer.send(new ProducerRecord<>(in, null, now, bytes("x"), bytes("not a record")));
        producer.send(new ProducerRecord<>(in, null, now, bytes("x"), new byte[0]));
        producer.flush();
      }
      int expectedFraud = served / 3;
      int expectedCredit = served - expectedFraud;

      Map<String, Double> latest = new HashMap<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                latestValues(latest);
                assertThat(latest.get("driftwatch_predictions_total{model=fraud,version=1}"))
                    .isEqualTo((double) expectedFraud);
                assertThat(latest.get("driftwatch_predictions_total{model=credit-risk,version=1}"))
                    .isEqualTo((double) expectedCredit);
                assertThat(
                        latest.get(
                            "driftwatch_records_rejected_total{reason=empty,stage=job,topic=it.predictions}"))
                    .isEqualTo(1.0);
              });
      double errors =
          latest.get("driftwatch_prediction_errors_total{class=server,model=fraud,version=1}")
              + latest.get(
                  "driftwatch_prediction_errors_total{class=server,model=credit-risk,version=1}");
      assertThat(errors).isEqualTo(serverErrors);
      assertThat(latest)
          .containsKey("driftwatch_prediction_latency_seconds{model=fraud,version=1}");

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readTopic(dlq, 2, Duration.ofSeconds(30));
      assertThat(dead).hasSize(2);
      assertThat(dead)
          .allSatisfy(
              r -> assertThat(r.headers().lastHeader(Topics.DLQ_REASON_HEADER)).isNotNull());
      assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
          .contains("not a record");
    } finally {
      job.cancel().get();
    }
  }

  private static void latestValues(Map<String, Double> into) {
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readTopic("it.metrics", Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      Decoded<MetricSample> d = Records.decodeMetric(r.value());
      assertThat(d.isOk()).as(String.valueOf(d)).isTrue();
      MetricSample s = d.value();
      String key =
          s.getName() + new java.util.TreeMap<>(s.getLabelsMap()).toString().replace(", ", ",");
      into.put(key, s.hasSummary() ? (double) s.getSummary().getCount() : s.getNumber());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
