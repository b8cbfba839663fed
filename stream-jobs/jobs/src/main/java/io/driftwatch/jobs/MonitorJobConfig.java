package io.driftwatch.jobs;

import io.driftwatch.jobs.drift.DriftConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the monitor job needs to know, validated at construction.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param predictionsTopic where predictions arrive
 * @param metricsTopic where MetricSamples go
 * @param dlqTopic where unreadable records go
 * @param groupId the consumer group the source commits its offsets under (on checkpoints)
 * @param window length of the tumbling traffic window
 * @param outOfOrderness how far behind the newest event a record may arrive and still count
 * @param idleTimeout after this much wall-clock time without records, a partition's watermark
 *     follows the clock, so the last window closes although traffic stopped
 * @param allowedLateness records later than the watermark by up to this much still update their
 *     window (it fires again); later ones are counted as late
 * @param checkpointInterval exactly-once checkpoint interval; sinks commit on checkpoints, so it
 *     bounds how fresh the metrics topic is
 * @param parallelism the job's parallelism
 * @param transactionalIdPrefix prefix of the Kafka transactional ids of the exactly-once sinks;
 *     unique per job deployment
 * @param profilesTopic the compacted topic of published reference profiles, keyed model/version
 * @param eventsTopic where DriftEvents go
 * @param drift the drift, data-quality and prediction-drift branch's settings
 * @param bounded read the topics up to their end offsets at start, then finish (benchmarks and
 *     backfills); a normal deployment runs unbounded
 * @param stateDir the directory where retained checkpoints live so state survives a restart of the
 *     process, or null for checkpoints in memory only ({@link #withStateDir})
 */
public record MonitorJobConfig(
    String bootstrapServers,
    String predictionsTopic,
    String metricsTopic,
    String dlqTopic,
    String groupId,
    Duration window,
    Duration outOfOrderness,
    Duration idleTimeout,
    Duration allowedLateness,
    Duration checkpointInterval,
    int parallelism,
    String transactionalIdPrefix,
    String profilesTopic,
    String eventsTopic,
    DriftConfig drift,
    boolean bounded,
    String stateDir)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public MonitorJobConfig {
    requireText("bootstrapServers", bootstrapServers);
    requireText("predictionsTopic", predictionsTopic);
    requireText("metricsTopic", metricsTopic);
    requireText("dlqTopic", dlqTopic);
    requireText("groupId", groupId);
    requireText("transactionalIdPrefix", transactionalIdPrefix);
    requireText("profilesTopic", profilesTopic);
    requireText("eventsTopic", eventsTopic);
    Objects.requireNonNull(drift, "drift");
    requirePositive("window", window);
    requireNonNegative("outOfOrderness", outOfOrderness);
    requirePositive("idleTimeout", idleTimeout);
    requireNonNegative("allowedLateness", allowedLateness);
    requirePositive("checkpointInterval", checkpointInterval);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism: " + parallelism + " (expected: >= 1)");
    }
  }

  /**
   * The defaults for {@code bootstrapServers}: 1-minute traffic windows, 10 s checkpoints, and the
   * drift branch on with {@link DriftConfig#defaults()} (5-minute tumbling drift windows).
   */
  public static MonitorJobConfig defaults(String bootstrapServers) {
    return new MonitorJobConfig(
        bootstrapServers,
        Topics.PREDICTIONS,
        Topics.METRICS,
        Topics.DLQ,
        "driftwatch-monitor",
        Duration.ofMinutes(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofMinutes(2),
        Duration.ofSeconds(10),
        1,
        "driftwatch-monitor",
        Topics.PROFILES,
        Topics.EVENTS,
        DriftConfig.defaults(),
        false,
        null);
  }

  public MonitorJobConfig withWindow(Duration w) {
    Copy c = copy();
    c.window = w;
    return c.build();
  }

  public MonitorJobConfig withTiming(
      Duration outOfOrder, Duration idle, Duration lateness, Duration checkpoint) {
    Copy c = copy();
    c.outOfOrderness = outOfOrder;
    c.idleTimeout = idle;
    c.allowedLateness = lateness;
    c.checkpointInterval = checkpoint;
    return c.build();
  }

  public MonitorJobConfig withParallelism(int p) {
    Copy c = copy();
    c.parallelism = p;
    return c.build();
  }

  public MonitorJobConfig withTopics(String predictions, String metrics, String dlq) {
    Copy c = copy();
    c.predictionsTopic = predictions;
    c.metricsTopic = metrics;
    c.dlqTopic = dlq;
    return c.build();
  }

  public MonitorJobConfig withIdentity(String group, String txPrefix) {
    Copy c = copy();
    c.groupId = group;
    c.transactionalIdPrefix = txPrefix;
    return c.build();
  }

  public MonitorJobConfig withDriftTopics(String profiles, String events) {
    Copy c = copy();
    c.profilesTopic = profiles;
    c.eventsTopic = events;
    return c.build();
  }

  public MonitorJobConfig withDrift(DriftConfig d) {
    Copy c = copy();
    c.drift = d;
    return c.build();
  }

  /** Reads the topics up to the end offsets they have at start, then finishes. */
  public MonitorJobConfig withBounded(boolean b) {
    Copy c = copy();
    c.bounded = b;
    return c.build();
  }

  /**
   * Keeps retained checkpoints under {@code dir} and resumes from the newest one found there at
   * start ({@link io.driftwatch.jobs.io.StateDirectory}); null: checkpoints in memory only, so a
   * new process starts from the committed offsets with empty state.
   */
  public MonitorJobConfig withStateDir(Path dir) {
    Copy c = copy();
    c.stateDir = dir == null ? null : dir.toAbsolutePath().toString();
    return c.build();
  }

  private Copy copy() {
    return new Copy(this);
  }

  /** A mutable copy, so each {@code with} method names only what it changes. */
  private static final class Copy {
    String bootstrapServers;
    String predictionsTopic;
    String metricsTopic;
    String dlqTopic;
    String groupId;
    Duration window;
    Duration outOfOrderness;
    Duration idleTimeout;
    Duration allowedLateness;
    Duration checkpointInterval;
    int parallelism;
    String transactionalIdPrefix;
    String profilesTopic;
    String eventsTopic;
    DriftConfig drift;
    boolean bounded;
    String stateDir;

    Copy(MonitorJobConfig c) {
      bootstrapServers = c.bootstrapServers;
      predictionsTopic = c.predictionsTopic;
      metricsTopic = c.metricsTopic;
      dlqTopic = c.dlqTopic;
      groupId = c.groupId;
      window = c.window;
      outOfOrderness = c.outOfOrderness;
      idleTimeout = c.idleTimeout;
      allowedLateness = c.allowedLateness;
      checkpointInterval = c.checkpointInterval;
      parallelism = c.parallelism;
      transactionalIdPrefix = c.transactionalIdPrefix;
      profilesTopic = c.profilesTopic;
      eventsTopic = c.eventsTopic;
      drift = c.drift;
      bounded = c.bounded;
      stateDir = c.stateDir;
    }

    MonitorJobConfig build() {
      return new MonitorJobConfig(
          bootstrapServers,
          predictionsTopic,
          metricsTopic,
          dlqTopic,
          groupId,
          window,
          outOfOrderness,
          idleTimeout,
          allowedLateness,
          checkpointInterval,
          parallelism,
          transactionalIdPrefix,
          profilesTopic,
          eventsTopic,
          drift,
          bounded,
          stateDir);
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + ": '" + value + "' (expected: non-empty)");
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  private static void requireNonNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
  }
}
