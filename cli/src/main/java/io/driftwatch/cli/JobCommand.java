package io.driftwatch.cli;

import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.jobs.MonitorJob;
import io.driftwatch.jobs.MonitorJobConfig;
import io.driftwatch.jobs.Topics;
import io.driftwatch.jobs.drift.DriftConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the monitor job, in an embedded MiniCluster or as the main class of a cluster job. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Flink monitor job: predictions topic -> metrics and dead-letter topics.",
      "With --embedded it runs in a MiniCluster in this process; without, it submits to the",
      "execution environment of the Flink client (e.g. when started by 'flink run')."
    })
final class JobCommand implements Callable<Integer> {
  @Option(
      names = "--kafka",
      defaultValue = "${DRIFTWATCH_KAFKA:-localhost:9092}",
      description = "Kafka bootstrap servers (env DRIFTWATCH_KAFKA; default ${DEFAULT-VALUE}).")
  String kafka;

  @Option(
      names = "--window",
      defaultValue = "${DRIFTWATCH_JOB_WINDOW:-1m}",
      description = "Traffic window length (env DRIFTWATCH_JOB_WINDOW; default ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "${DRIFTWATCH_JOB_CHECKPOINT_INTERVAL:-10s}",
      description =
          "Exactly-once checkpoint interval; metrics are committed on checkpoints"
              + " (env DRIFTWATCH_JOB_CHECKPOINT_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(
      names = "--out-of-orderness",
      defaultValue = "${DRIFTWATCH_JOB_OUT_OF_ORDERNESS:-5s}",
      description = "How late a record may be and still count (default ${DEFAULT-VALUE}).")
  Duration outOfOrderness;

  @Option(
      names = "--idle-timeout",
      defaultValue = "${DRIFTWATCH_JOB_IDLE_TIMEOUT:-10s}",
      description =
          "After this long without records a partition's watermark follows the clock"
              + " (default ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--allowed-lateness",
      defaultValue = "${DRIFTWATCH_JOB_ALLOWED_LATENESS:-2m}",
      description =
          "Late records within this much still update their window (default ${DEFAULT-VALUE}).")
  Duration allowedLateness;

  @Option(
      names = "--parallelism",
      defaultValue = "${DRIFTWATCH_JOB_PARALLELISM:-1}",
      description = "Job parallelism (env DRIFTWATCH_JOB_PARALLELISM; default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--predictions-topic",
      defaultValue = Topics.PREDICTIONS,
      description = "Default ${DEFAULT-VALUE}.")
  String predictionsTopic;

  @Option(
      names = "--metrics-topic",
      defaultValue = Topics.METRICS,
      description = "Default ${DEFAULT-VALUE}.")
  String metricsTopic;

  @Option(
      names = "--dlq-topic",
      defaultValue = Topics.DLQ,
      description = "Default ${DEFAULT-VALUE}.")
  String dlqTopic;

  @Option(
      names = "--profiles-topic",
      defaultValue = Topics.PROFILES,
      description = "Reference profiles, compacted (default ${DEFAULT-VALUE}).")
  String profilesTopic;

  @Option(
      names = "--events-topic",
      defaultValue = Topics.EVENTS,
      description = "Default ${DEFAULT-VALUE}.")
  String eventsTopic;

  @Option(
      names = "--drift-window",
      defaultValue = "${DRIFTWATCH_JOB_DRIFT_WINDOW:-5m}",
      description =
          "Drift and data-quality window (env DRIFTWATCH_JOB_DRIFT_WINDOW; default ${DEFAULT-VALUE}).")
  Duration driftWindow;

  @Option(
      names = "--drift-slide",
      defaultValue = "${DRIFTWATCH_JOB_DRIFT_SLIDE}",
      description =
          "Slide of a sliding drift window; it must divide --drift-window (default: tumbling).")
  Duration driftSlide;

  @Option(
      names = "--reference-records",
      defaultValue = "${DRIFTWATCH_JOB_REFERENCE_RECORDS:-1000}",
      description =
          "Without a published profile, the first N records of a model version become its"
              + " reference; 0: published profiles only (default ${DEFAULT-VALUE}).")
  long referenceRecords;

  @Option(
      names = "--min-effect-size",
      defaultValue = "${DRIFTWATCH_JOB_MIN_EFFECT_SIZE:-0.1}",
      description =
          "Practical-significance gate: a p-value test flags drift only if its effect size"
              + " (KS D, Cramer's V; Cohen's h at twice the value) also reaches this; NaN for"
              + " Evidently's exact decisions (default ${DEFAULT-VALUE}).")
  double minEffectSize;

  @Option(names = "--no-drift", description = "Turn the drift and data-quality branch off.")
  boolean noDrift;

  @Option(names = "--embedded", description = "Run in a Flink MiniCluster inside this process.")
  boolean embedded;

  @Option(
      names = "--state-dir",
      defaultValue = "${DRIFTWATCH_JOB_STATE_DIR}",
      paramLabel = "DIR",
      description =
          "Keep checkpoints in DIR and resume from the newest one at start, so open windows,"
              + " counters and references survive a restart of this process (env"
              + " DRIFTWATCH_JOB_STATE_DIR; default: none, state is lost on restart). On a Flink"
              + " cluster, use the cluster's checkpoint storage instead.")
  Path stateDir;

  MonitorJobConfig config() {
    return MonitorJobConfig.defaults(kafka)
        .withTopics(predictionsTopic, metricsTopic, dlqTopic)
        .withWindow(window)
        .withTiming(outOfOrderness, idleTimeout, allowedLateness, checkpointInterval)
        .withParallelism(parallelism)
        .withDriftTopics(profilesTopic, eventsTopic)
        .withDrift(driftConfig())
        .withStateDir(stateDir);
  }

  DriftConfig driftConfig() {
    DriftConfig d =
        DriftConfig.defaults()
            .withEnabled(!noDrift)
            .withReferenceRecords(referenceRecords)
            .withMinEffectSize(minEffectSize);
    return driftSlide == null
        ? d.withTumblingWindow(driftWindow)
        : d.withSlidingWindow(driftWindow, driftSlide);
  }

  @Override
  public Integer call() throws Exception {
    MonitorJobConfig config = config();
    StreamExecutionEnvironment env =
        embedded
            ? EmbeddedFlink.environment(parallelism)
            : StreamExecutionEnvironment.getExecutionEnvironment();
    JobClient job = MonitorJob.start(env, config);
    System.out.println(
        "Monitor job "
            + job.getJobID()
            + " running: "
            + config.predictionsTopic()
            + " -> "
            + config.metricsTopic()
            + ", "
            + config.dlqTopic());
    job.getJobExecutionResult().get();
    return Driftwatch.OK;
  }
}
