package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.jobs.MonitorJob;
import io.driftwatch.jobs.MonitorJobConfig;
import io.driftwatch.jobs.io.StateDirectory;
import io.driftwatch.schema.Decoded;
import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.PredictionRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor job's state survives a restart of the process: the job is cancelled mid-stream and a
 * new job (a new MiniCluster, as after a restart of {@code driftwatch job --embedded --state-dir})
 * resumes from the retained checkpoint. Without the state, the cumulative counter would start again
 * from zero, the window open at the restart would lose its first half, and the reference would be
 * rebuilt from the (shifted) records after the restart, so the shift would go unnoticed: each
 * assertion below fails then.
 */
class MonitorJobRestartIT {
  private static final long MINUTE = 60_000;
  private static final long SPACING = 50; // ms of event time between records: 1200 per minute
  private static KafkaFixture kafka;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void countsEveryRecordOnceAndKeepsOpenWindowsAndTheReferenceAcrossARestart() throws Exception {
    String id = "it-restart";
    String predictions = id + ".predictions";
    String metrics = id + ".metrics";
    kafka.createTopic(predictions, 2);
    kafka.createTopic(metrics, 1);
    kafka.createTopic(id + ".dlq", 1);
    kafka.createTopic(id + ".events", 1);
    // Event time in the past, 1-minute windows: the backlog closes its own windows (the clock
    // never takes over the watermark: idle timeout 60 s), up to tick records after the end.
    long t0 = (System.currentTimeMillis() - 45 * MINUTE) / MINUTE * MINUTE;
    long restartAt = t0 + 3 * MINUTE + 30_000; // in the middle of window [3, 4)
    long end = t0 + 7 * MINUTE;
    MonitorJobConfig config =
        MonitorJobConfig.defaults(kafka.bootstrapServers())
            .withTopics(predictions, metrics, id + ".dlq")
            .withDriftTopics(id + ".profiles", id + ".events")
            .withIdentity(id, id)
            .withParallelism(2)
            .withWindow(Duration.ofMinutes(1))
            .withTiming(
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(1))
            .withDrift(DriftConfig.defaults().withTumblingWindow(Duration.ofMinutes(1)))
            .withStateDir(stateDir);
    Applicants traffic = new Applicants(7);

    // Before the restart: 3.5 minutes of baseline traffic; the first 1000 records become the
    // reference, windows [0, 1) .. [2, 3) close, [3, 4) stays open with 600 records.
    JobClient first = MonitorJob.start(EmbeddedFlink.environment(2), config);
    try {
      send(traffic, predictions, t0, restartAt, false);
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> windowRecords(metrics, t0 + 2 * MINUTE).isPresent());
      // Offsets are committed when a checkpoint completes, with that checkpoint's positions: once
      // they cover every record sent, the newest checkpoint holds all of them. (It also means that
      // a job that lost its state would resume from here rather than replay the topic, rebuilding
      // the same state — the assertions below tell a restore from a fresh start.)
      long sent = (restartAt - t0) / SPACING;
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> committedOffsets(id, predictions) == sent);
    } finally {
      first.cancel().get();
    }
    assertThat(StateDirectory.latestCheckpoint(stateDir)).isPresent();

    // After the restart: 3.5 minutes of shifted traffic, then ticks that close every window.
    JobClient second = MonitorJob.start(EmbeddedFlink.environment(2), config);
    List<MetricSample> samples = new ArrayList<>();
    try {
      send(traffic, predictions, restartAt, end, true);
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
        for (int p = 0; p < 2; p++) {
          PredictionRecord tick = traffic.record("tick", "0", end + 2 * MINUTE, false);
          producer.send(
              new ProducerRecord<>(
                  predictions, p, end + 2 * MINUTE, bytes("tick/0"), tick.toByteArray()));
        }
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> windowRecords(metrics, end - MINUTE).isPresent());
      samples.addAll(read(metrics));
    } finally {
      second.cancel().get();
    }

    // 3.5 + 3.5 minutes at 1200 records a minute, each counted once
    double total = 0;
    for (MetricSample s : samples) {
      if (s.getName().equals(MetricCatalog.PREDICTIONS_TOTAL.metricName())
          && s.getLabelsOrThrow("model").equals("credit-risk")) {
        total = Math.max(total, s.getNumber());
      }
    }
    assertThat(total).isEqualTo(7 * 1200);
    // the window open at the restart has both halves
    assertThat(windowRecords(samples, t0 + 3 * MINUTE)).contains(1200.0);
    // the reference is still the baseline of the first records: the shift is flagged
    for (long w = t0 + 4 * MINUTE; w < end; w += MINUTE) {
      assertThat(drifted(samples, w))
          .as("window at +%d min", (w - t0) / MINUTE)
          .contains("input:country", "input:income");
    }
    for (long w = t0 + MINUTE; w < t0 + 3 * MINUTE; w += MINUTE) {
      assertThat(drifted(samples, w)).as("window at +%d min", (w - t0) / MINUTE).isEmpty();
    }
  }

  private static void send(
      Applicants traffic, String topic, long from, long until, boolean shifted) {
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      int i = 0;
      for (long ts = from; ts < until; ts += SPACING, i++) {
        PredictionRecord r = traffic.record("credit-risk", "1", ts, shifted);
        producer.send(
            new ProducerRecord<>(topic, i % 2, ts, bytes("credit-risk/1"), r.toByteArray()));
      }
      producer.flush();
    }
  }

  private static long committedOffsets(String group, String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      long sum = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          sum += e.getValue().offset();
        }
      }
      return sum;
    }
  }

  private static Optional<Double> windowRecords(String topic, long windowStart) {
    return windowRecords(read(topic), windowStart);
  }

  private static Optional<Double> windowRecords(List<MetricSample> samples, long windowStart) {
    return samples.stream()
        .filter(s -> s.getName().equals(DriftSamples.WINDOW_RECORDS))
        .filter(s -> s.getLabelsOrThrow("model").equals("credit-risk"))
        .filter(s -> s.getLabelsOrThrow("role").equals("input"))
        .filter(s -> s.getWindowStartMillis() == windowStart)
        .map(MetricSample::getNumber)
        .findFirst();
  }

  private static Set<String> drifted(List<MetricSample> samples, long windowStart) {
    Set<String> out = new TreeSet<>();
    for (MetricSample s : samples) {
      if (s.getName().equals(DriftSamples.DETECTED)
          && s.getWindowStartMillis() == windowStart
          && s.getLabelsOrThrow("model").equals("credit-risk")
          && s.getNumber() == 1) {
        out.add(s.getLabelsOrThrow("role") + ":" + s.getLabelsOrThrow("feature"));
      }
    }
    return out;
  }

  private static List<MetricSample> read(String topic) {
    List<MetricSample> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readTopic(topic, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      Decoded<MetricSample> d = Records.decodeMetric(r.value());
      assertThat(d.isOk()).as(String.valueOf(d)).isTrue();
      out.add(d.value());
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
