package io.driftwatch.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every Prometheus metric Driftwatch exposes: name, type, labels, unit and meaning. It is the one
 * table that docs/metrics.md mirrors (a test compares them) and that alerts, dashboards and the
 * autoscaler may draw names from.
 */
public enum MetricCatalog {
  PREDICTIONS_TOTAL(
      "driftwatch_predictions_total",
      Kind.COUNTER,
      Source.JOB,
      "predictions",
      List.of("model", "version"),
      "Predictions served, estimated from captured records weighted by 1/sampling rate."),
  PREDICTION_ERRORS_TOTAL(
      "driftwatch_prediction_errors_total",
      Kind.COUNTER,
      Source.JOB,
      "predictions",
      List.of("model", "version", "class"),
      "Failed predictions: class=client for 4xx, class=server for 5xx, no response or a gRPC"
          + " error."),
  PREDICTION_LATENCY_SECONDS(
      "driftwatch_prediction_latency_seconds",
      Kind.SUMMARY,
      Source.JOB,
      "seconds",
      List.of("model", "version", "quantile"),
      "Latency seen by the sidecar. Quantiles 0.5/0.9/0.95/0.99 over the last window from a KLL"
          + " sketch (rank error about 1.3% at 99% confidence); _count and _sum since start."),
  WINDOW_PREDICTIONS_PER_SECOND(
      "driftwatch_window_predictions_per_second",
      Kind.GAUGE,
      Source.JOB,
      "predictions per second",
      List.of("model", "version"),
      "Prediction rate over the last closed window."),
  WINDOW_SERVER_ERROR_RATIO(
      "driftwatch_window_server_error_ratio",
      Kind.GAUGE,
      Source.JOB,
      "ratio",
      List.of("model", "version"),
      "Share of predictions in the last closed window that were server errors."),
  WINDOW_END_TIMESTAMP_SECONDS(
      "driftwatch_window_end_timestamp_seconds",
      Kind.GAUGE,
      Source.JOB,
      "seconds since epoch",
      List.of("model", "version"),
      "End of the last closed window: how fresh the other job metrics of the series are."),
  RECORDS_REJECTED_TOTAL(
      "driftwatch_records_rejected_total",
      Kind.COUNTER,
      Source.JOB,
      "records",
      List.of("stage", "topic", "reason"),
      "Records the job could not read; each one went to the dead-letter topic with its reason."),
  RECORDS_LATE_TOTAL(
      "driftwatch_records_late_total",
      Kind.COUNTER,
      Source.JOB,
      "records",
      List.of("model", "version"),
      "Predictions that arrived after their window closed and its allowed lateness passed."),
  EXPORTER_SAMPLES_CONSUMED_TOTAL(
      "driftwatch_exporter_samples_consumed_total",
      Kind.COUNTER,
      Source.EXPORTER,
      "samples",
      List.of(),
      "Metric samples the exporter read from the metrics topic."),
  EXPORTER_SAMPLES_REJECTED_TOTAL(
      "driftwatch_exporter_samples_rejected_total",
      Kind.COUNTER,
      Source.EXPORTER,
      "samples",
      List.of("reason"),
      "Metric samples the exporter could not read or did not know; they are not exposed."),
  EXPORTER_SERIES(
      "driftwatch_exporter_series",
      Kind.GAUGE,
      Source.EXPORTER,
      "series",
      List.of(),
      "Series the exporter currently exposes."),
  SIDECAR_REQUESTS_TOTAL(
      "driftwatch_sidecar_requests_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "requests",
      List.of("code"),
      "Requests proxied by the sidecar, by the HTTP status the client received."),
  SIDECAR_REQUEST_DURATION_SECONDS(
      "driftwatch_sidecar_request_duration_seconds",
      Kind.HISTOGRAM,
      Source.SIDECAR,
      "seconds",
      List.of(),
      "Time from a request reaching the sidecar to the last byte of its response."),
  SIDECAR_RECORDS_CAPTURED_TOTAL(
      "driftwatch_sidecar_records_captured_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "records",
      List.of(),
      "Prediction records the sidecar captured from exchanges."),
  SIDECAR_RECORDS_SENT_TOTAL(
      "driftwatch_sidecar_records_sent_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "records",
      List.of(),
      "Prediction records acknowledged by Kafka."),
  SIDECAR_RECORDS_DROPPED_TOTAL(
      "driftwatch_sidecar_records_dropped_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "records",
      List.of("reason"),
      "Prediction records given up, by reason (queue_full, kafka_error, kafka_timeout, shutdown,"
          + " ...). Inference is never affected."),
  SIDECAR_CAPTURE_QUEUE_RECORDS(
      "driftwatch_sidecar_capture_queue_records",
      Kind.GAUGE,
      Source.SIDECAR,
      "records",
      List.of(),
      "Exchanges waiting in the bounded capture queue."),
  SIDECAR_CAPTURE_QUEUE_BYTES(
      "driftwatch_sidecar_capture_queue_bytes",
      Kind.GAUGE,
      Source.SIDECAR,
      "bytes",
      List.of(),
      "Bytes of captured bodies waiting in the capture queue."),
  SIDECAR_UPSTREAM_ERRORS_TOTAL(
      "driftwatch_sidecar_upstream_errors_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "errors",
      List.of("reason"),
      "Failures talking to the model server (connect_failed, closed, ...).");

  /** The Prometheus metric type. */
  public enum Kind {
    COUNTER,
    GAUGE,
    SUMMARY,
    HISTOGRAM
  }

  /** Which component exposes the metric. */
  public enum Source {
    JOB,
    EXPORTER,
    SIDECAR
  }

  private static final Map<String, MetricCatalog> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(m -> m.name, Function.identity()));

  private final String name;
  private final Kind kind;
  private final Source source;
  private final String unit;
  private final List<String> labels;
  private final String help;

  MetricCatalog(
      String name, Kind kind, Source source, String unit, List<String> labels, String help) {
    this.name = name;
    this.kind = kind;
    this.source = source;
    this.unit = unit;
    this.labels = labels;
    this.help = help;
  }

  /** The exposed name, e.g. {@code driftwatch_predictions_total}. */
  public String metricName() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public Source source() {
    return source;
  }

  public String unit() {
    return unit;
  }

  public List<String> labels() {
    return labels;
  }

  public String help() {
    return help;
  }

  /** The catalog entry of an exposed name, if there is one. */
  public static Optional<MetricCatalog> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }
}
