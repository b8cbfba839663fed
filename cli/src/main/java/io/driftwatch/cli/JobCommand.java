package io.driftwatch.cli;

import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.jobs.MonitorJob;
import io.driftwatch.jobs.MonitorJobConfig;
import io.driftwatch.jobs.Topics;
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

  @Option(names = "--embedded", description = "Run in a Flink MiniCluster inside this process.")
  boolean embedded;

  MonitorJobConfig config() {
    return MonitorJobConfig.defaults(kafka)
        .withTopics(predictionsTopic, metricsTopic, dlqTopic)
        .withWindow(window)
        .withTiming(outOfOrderness, idleTimeout, allowedLateness, checkpointInterval)
        .withParallelism(parallelism);
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
