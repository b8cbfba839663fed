package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.jobs.MonitorJob;
import io.driftwatch.jobs.MonitorJobConfig;
import io.driftwatch.jobs.Topics;
import io.driftwatch.schema.Decoded;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.DriftEvent;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.PredictionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The drift branch of the monitor job on a real broker and a real MiniCluster. */
class DriftBranchIT {
  private static final long MINUTE = 60_000;
  private static KafkaFixture kafka;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /**
   * 33 simulated minutes of the demo's traffic (20 predictions/s, event timestamps in the past, so
   * the job reads them as a backlog in seconds) against the reference made of the first 1000
   * records: 30 quiet 1-minute windows, then the demo's shift of income and country.
   */
  @Test
  void flagsOnlyTheShiftedColumnsAndStaysQuietFor30SimulatedMinutes() throws Exception {
    // No profiles topic at all: the branch must work without one (bootstrapped references only).
    Names t = new Names("sim", false);
    long t0 = (System.currentTimeMillis() - 45 * MINUTE) / MINUTE * MINUTE;
    long shift = t0 + 30 * MINUTE;
    long end = t0 + 33 * MINUTE;
    // The clock never takes over the watermark during this test (idle timeout 60 s): the backlog
    // closes its windows by itself, up to a last record on each partition 2 minutes after the end.
    MonitorJobConfig config =
        t.config()
            .withTiming(
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(1))
            .withDrift(DriftConfig.defaults().withTumblingWindow(Duration.ofMinutes(1)));
    JobClient job = MonitorJob.start(EmbeddedFlink.environment(2), config);
    List<MetricSample> samples = new ArrayList<>();
    try {
      Applicants traffic = new Applicants(42);
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
        int i = 0;
        for (long ts = t0; ts < end; ts += 50, i++) {
          PredictionRecord r = traffic.record("credit-risk", "1", ts, ts >= shift);
          if (i % 100 == 0) {
            r = r.toBuilder().removeFeatures("device").build();
          }
          producer.send(
              new ProducerRecord<>(t.predictions, i % 2, ts, key("credit-risk/1"), bytes(r)));
        }
        for (int p = 0; p < 2; p++) {
          PredictionRecord tick = traffic.record("tick", "0", end + 2 * MINUTE, false);
          producer.send(
              new ProducerRecord<>(t.predictions, p, end + 2 * MINUTE, key("tick/0"), bytes(tick)));
        }
        producer.flush();
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                samples.clear();
                samples.addAll(metrics(t.metrics));
                assertThat(samples)
                    .anyMatch(
                        s ->
                            s.getName().equals(DriftSamples.WINDOW_RECORDS)
                                && s.getLabelsOrThrow("model").equals("credit-risk")
                                && s.getWindowEndMillis() == end);
              });
    } finally {
      job.cancel().get();
    }

    samples.removeIf(s -> s.getLabelsMap().getOrDefault("model", "").equals("tick"));
    Map<Long, Set<String>> drifted = new TreeMap<>();
    Map<Long, Set<String>> tested = new TreeMap<>();
    for (MetricSample s : samples) {
      if (s.getName().equals(DriftSamples.DETECTED)) {
        String column = s.getLabelsOrThrow("role") + ":" + s.getLabelsOrThrow("feature");
        tested.computeIfAbsent(s.getWindowStartMillis(), k -> new TreeSet<>()).add(column);
        if (s.getNumber() == 1) {
          drifted.computeIfAbsent(s.getWindowStartMillis(), k -> new TreeSet<>()).add(column);
        }
      }
    }
    // the first window is tested too when every bucket filled its share of the first 1000 records
    // within it, which depends on how the prediction ids hash
    assertThat(tested.size()).isBetween(32, 33);
    assertThat(tested.values()).allSatisfy(c -> assertThat(c).hasSize(9));
    assertThat(drifted.keySet())
        .as("windows with drift")
        .containsExactly(shift, shift + MINUTE, shift + 2 * MINUTE);
    assertThat(drifted.values())
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsExactly(
                        "input:country", "input:income", "output:label", "output:probability"));

    assertThat(latest(samples, DriftSamples.REFERENCE_RECORDS, "role", "input")).isEqualTo(1000);
    assertThat(latest(samples, DriftSamples.REFERENCE_PUBLISHED, "role", "input")).isZero();
    assertThat(latest(samples, DriftSamples.WINDOW_RECORDS, "role", "input")).isEqualTo(1200);
    assertThat(latest(samples, DriftSamples.DATASET_DETECTED)).isZero();
    assertThat(latest(samples, DriftSamples.DATASET_SHARE)).isEqualTo(2.0 / 7);
    assertThat(latest(samples, DriftSamples.MISSING, "feature", "device")).isEqualTo(0.01);
    assertThat(latest(samples, DriftSamples.MISSING, "feature", "income")).isZero();
    assertThat(latest(samples, DriftSamples.NEW_CATEGORY, "feature", "country")).isZero();
    assertThat(samples)
        .noneMatch(s -> s.getName().equals("driftwatch_drift_records_late_total"))
        .anyMatch(
            s ->
                s.getName().equals(DriftSamples.SCORE)
                    && s.getLabelsOrThrow("feature").equals("income")
                    && s.getLabelsOrThrow("method").equals("ks"));

    List<DriftEvent> events = events(t.events, 12);
    assertThat(events).hasSize(12);
    assertThat(events.stream().map(DriftEvent::getEventId).distinct()).hasSize(12);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.getWindowStartMillis()).isGreaterThanOrEqualTo(shift);
              assertThat(e.getKind() + ":" + e.getSubject())
                  .isIn(
                      "data_drift:income",
                      "data_drift:country",
                      "prediction_drift:probability",
                      "prediction_drift:label");
              assertThat(e.hasPValue()).isTrue();
            });
  }

  /**
   * A reference published while the job runs is used from the next window on, and replaces the one
   * made of the version's first records; unreadable profile records go to the DLQ and are counted.
   * Windows of 4 s slide by 2 s.
   */
  @Test
  void picksUpAPublishedReferenceWithoutRestartAndRejectsGarbageProfiles() throws Exception {
    Names t = new Names("pub", true);
    MonitorJobConfig config =
        t.config()
            .withWindow(Duration.ofSeconds(2))
            .withTiming(
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1))
            .withDrift(
                DriftConfig.defaults()
                    .withSlidingWindow(Duration.ofSeconds(4), Duration.ofSeconds(2))
                    .withReferenceRecords(500));
    JobClient job = MonitorJob.start(EmbeddedFlink.environment(2), config);
    Applicants traffic = new Applicants(7);
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      producer.send(new ProducerRecord<>(t.profiles, key("fraud/2"), key("not a profile")));
      byte[] truncated = Arrays.copyOf(training(traffic).encode(), 40);
      producer.send(new ProducerRecord<>(t.profiles, key("fraud/2"), truncated));
      producer.flush();

      // Bad profiles reach the DLQ before any prediction is sent: by then the predictions'
      // partitions have been idle for longer than the idle timeout, while profiles flowed.
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readTopic(t.dlq, 2, Duration.ofSeconds(60));
      assertThat(dead.stream().map(r -> header(r, Topics.DLQ_REASON_HEADER)))
          .anyMatch(r -> r.startsWith("not_profile:"))
          .anyMatch(r -> r.startsWith("invalid:"));
      assertThat(dead.stream().map(r -> header(r, Topics.DLQ_SOURCE_HEADER)))
          .allMatch(s -> s.startsWith(t.profiles + "-0@"));

      // The version's traffic is shifted from its first record on, so the reference made of its
      // first records is shifted too, and nothing drifts against it.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                send(producer, traffic, t.predictions, 600);
                List<MetricSample> m = metrics(t.metrics);
                assertThat(latest(m, DriftSamples.REFERENCE_PUBLISHED, "role", "input"))
                    .isEqualTo(0.0);
                assertThat(latest(m, DriftSamples.DETECTED, "feature", "income")).isEqualTo(0.0);
              });

      ProfileEnvelope published = training(traffic);
      producer.send(new ProducerRecord<>(t.profiles, published.kafkaKey(), published.encode()));
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                send(producer, traffic, t.predictions, 600);
                List<MetricSample> m = metrics(t.metrics);
                assertThat(latest(m, DriftSamples.REFERENCE_PUBLISHED, "role", "input"))
                    .isEqualTo(1.0);
                assertThat(latest(m, DriftSamples.DETECTED, "feature", "income")).isEqualTo(1.0);
                assertThat(latest(m, DriftSamples.DETECTED, "feature", "country")).isEqualTo(1.0);
                assertThat(latest(m, DriftSamples.DETECTED, "feature", "age")).isEqualTo(0.0);
              });
      List<MetricSample> m = metrics(t.metrics);
      assertThat(
              m.stream()
                  .filter(s -> s.getName().equals(DriftSamples.SCORE))
                  .filter(s -> s.getLabelsOrThrow("feature").equals("income"))
                  .map(s -> s.getLabelsOrThrow("method")))
          .contains("ks", "wasserstein");
      assertThat(latest(m, DriftSamples.REFERENCE_RECORDS, "role", "input")).isEqualTo(5000);
      // The published profile has no outputs: prediction drift stays on the first records.
      assertThat(latest(m, DriftSamples.REFERENCE_PUBLISHED, "role", "output")).isZero();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          metrics(t.metrics).stream()
                              .filter(s -> s.getName().equals("driftwatch_records_rejected_total"))
                              .filter(s -> s.getLabelsOrThrow("topic").equals(t.profiles))
                              .map(s -> s.getLabelsOrThrow("reason") + "=" + s.getNumber())
                              .collect(Collectors.toSet()))
                      .contains("not_profile=1.0", "invalid=1.0"));
    } finally {
      job.cancel().get();
    }
  }

  /** A training-data reference of the baseline population: 5000 rows, inputs only. */
  private static ProfileEnvelope training(Applicants traffic) {
    WindowProfile rows = new WindowProfile();
    Applicants baseline = new Applicants(99);
    for (int i = 0; i < 5000; i++) {
      rows.add(baseline.observation(false, 1));
    }
    ProfileEnvelope e = DriftEvaluation.bootstrapReference("fraud", "2", rows);
    return ProfileEnvelope.of("fraud", "2", "training data", 1, e.inputs(), null);
  }

  /** Sends {@code n} shifted predictions of fraud/2 stamped with the wall clock. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, Applicants traffic, String topic, int n) {
    for (int i = 0; i < n; i++) {
      long now = System.currentTimeMillis();
      PredictionRecord r = traffic.record("fraud", "2", now, true);
      producer.send(new ProducerRecord<>(topic, null, now, key("fraud/2"), bytes(r)));
    }
    producer.flush();
  }

  /** The value of the newest sample of {@code name} whose labels include the given pairs. */
  private static double latest(List<MetricSample> samples, String name, String... labels) {
    MetricSample newest = null;
    for (MetricSample s : samples) {
      if (!s.getName().equals(name)) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < labels.length; i += 2) {
        match &= labels[i + 1].equals(s.getLabelsMap().get(labels[i]));
      }
      if (match && (newest == null || s.getWindowEndMillis() >= newest.getWindowEndMillis())) {
        newest = s;
      }
    }
    assertThat(newest).as("a sample of %s %s", name, Arrays.toString(labels)).isNotNull();
    return newest.getNumber();
  }

  private static List<MetricSample> metrics(String topic) {
    List<MetricSample> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readTopic(topic, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
      Decoded<MetricSample> d = Records.decodeMetric(r.value());
      assertThat(d.isOk()).as(String.valueOf(d)).isTrue();
      out.add(d.value());
    }
    return out;
  }

  private static List<DriftEvent> events(String topic, int count) throws Exception {
    List<DriftEvent> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readTopic(topic, count, Duration.ofSeconds(10))) {
      DriftEvent e = DriftEvent.parseFrom(r.value());
      if (seen.add(e.getEventId() + e.getWindowEndMillis())) {
        out.add(e);
      }
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(PredictionRecord r) {
    return r.toByteArray();
  }

  /** One test's topics and job identity. */
  private static final class Names {
    final String predictions;
    final String metrics;
    final String dlq;
    final String profiles;
    final String events;
    final String id;

    Names(String prefix, boolean profilesTopic) {
      id = "it-drift-" + prefix;
      predictions = id + ".predictions";
      metrics = id + ".metrics";
      dlq = id + ".dlq";
      profiles = id + ".profiles";
      events = id + ".events";
      kafka.createTopic(predictions, 2);
      kafka.createTopic(metrics, 1);
      kafka.createTopic(dlq, 1);
      if (profilesTopic) {
        kafka.createTopic(profiles, 1);
      }
      kafka.createTopic(events, 1);
    }

    MonitorJobConfig config() {
      return MonitorJobConfig.defaults(kafka.bootstrapServers())
          .withTopics(predictions, metrics, dlq)
          .withDriftTopics(profiles, events)
          .withIdentity(id, id)
          .withParallelism(2);
    }
  }
}
