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
  SIDECAR_RECORDS_UNREADABLE_TOTAL(
      "driftwatch_sidecar_records_unreadable_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "records",
      List.of("protocol"),
      "Records of successful predictions whose bodies could not be fully read into features and"
          + " outputs (each record's capture_error says why), by protocol: a wrong protocol,"
          + " generic-json pointers that miss, or bodies over capture.max.bytes."),
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
      "Failures talking to the model server (connect_failed, closed, ...)."),
  FEATURE_DRIFT_SCORE(
      "driftwatch_feature_drift_score",
      Kind.GAUGE,
      Source.JOB,
      "p-value or distance",
      List.of("model", "version", "feature", "role", "method"),
      "Drift score of the last drift window against the reference, as Evidently reports it: the"
          + " p-value for ks, chisquare and z, the distance for wasserstein, jensenshannon and the"
          + " other distances. role=input for model inputs, role=output for model outputs"
          + " (prediction drift)."),
  FEATURE_DRIFT_DETECTED(
      "driftwatch_feature_drift_detected",
      Kind.GAUGE,
      Source.JOB,
      "boolean",
      List.of("model", "version", "feature", "role"),
      "1 when the column drifted in the last drift window (the method's threshold rule and the"
          + " practical-significance gate both passed), else 0. Absent while the window holds too"
          + " few values to test."),
  FEATURE_DRIFT_P_VALUE(
      "driftwatch_feature_drift_p_value",
      Kind.GAUGE,
      Source.JOB,
      "p-value",
      List.of("model", "version", "feature", "role", "method"),
      "P-value of the last drift window's test; only for the p-value methods ks, chisquare and z."),
  FEATURE_DRIFT_EFFECT_SIZE(
      "driftwatch_feature_drift_effect_size",
      Kind.GAUGE,
      Source.JOB,
      "effect size",
      List.of("model", "version", "feature", "role", "method"),
      "Sample-size-free effect of the last drift window: KS D for ks, Cramer's V for chisquare,"
          + " Cohen's h for z, the distance itself otherwise. Drift needs it at or above the"
          + " practical-significance gate (default 0.1; 0.2 for Cohen's h)."),
  FEATURE_DRIFT_THRESHOLD(
      "driftwatch_feature_drift_threshold",
      Kind.GAUGE,
      Source.JOB,
      "p-value or distance",
      List.of("model", "version", "feature", "role", "method"),
      "Threshold of the method's decision: drift when p < threshold (ks: p <= threshold) or when"
          + " the distance >= threshold; Evidently's defaults, 0.05 and 0.1."),
  FEATURE_DRIFT_ERROR_BOUND(
      "driftwatch_feature_drift_error_bound",
      Kind.GAUGE,
      Source.JOB,
      "statistic units",
      List.of("model", "version", "feature", "role", "method"),
      "Absolute bound on the statistic (KS D or the distance) from computing it on sketches: 0"
          + " when exact counts were used, +Inf when no bound is claimed."),
  FEATURE_MISSING_RATIO(
      "driftwatch_feature_missing_ratio",
      Kind.GAUGE,
      Source.JOB,
      "ratio",
      List.of("model", "version", "feature", "role"),
      "Share of the last drift window's records in which the column was absent, null, empty, NaN"
          + " or infinite."),
  FEATURE_TYPE_MISMATCH_RATIO(
      "driftwatch_feature_type_mismatch_ratio",
      Kind.GAUGE,
      Source.JOB,
      "ratio",
      List.of("model", "version", "feature", "role"),
      "Share of the last drift window's records in which the column held a value of another type"
          + " than the reference's (text in a numerical column, a list of numbers, a category key"
          + " that is not a number)."),
  FEATURE_OUT_OF_RANGE_RATIO(
      "driftwatch_feature_out_of_range_ratio",
      Kind.GAUGE,
      Source.JOB,
      "ratio",
      List.of("model", "version", "feature", "role"),
      "Share of a numerical column's non-missing values in the last drift window outside the"
          + " reference's [min, max]; exact for columns with few distinct values, else from a KLL"
          + " sketch (rank error about 1.3%)."),
  FEATURE_NEW_CATEGORY_RATIO(
      "driftwatch_feature_new_category_ratio",
      Kind.GAUGE,
      Source.JOB,
      "ratio",
      List.of("model", "version", "feature", "role"),
      "Share of a categorical column's non-missing values in the last drift window whose category"
          + " the reference never saw."),
  DATASET_DRIFT_SHARE(
      "driftwatch_dataset_drift_share",
      Kind.GAUGE,
      Source.JOB,
      "ratio",
      List.of("model", "version"),
      "Share of the input columns tested in the last drift window that drifted."),
  DATASET_DRIFT_DETECTED(
      "driftwatch_dataset_drift_detected",
      Kind.GAUGE,
      Source.JOB,
      "boolean",
      List.of("model", "version"),
      "1 when the share of drifted input columns reached the dataset drift share (default 0.5, as"
          + " Evidently), else 0."),
  DRIFT_WINDOW_RECORDS(
      "driftwatch_drift_window_records",
      Kind.GAUGE,
      Source.JOB,
      "records",
      List.of("model", "version", "role"),
      "Records in the last drift window that carried inputs (role=input) or outputs"
          + " (role=output)."),
  DRIFT_REFERENCE_RECORDS(
      "driftwatch_drift_reference_records",
      Kind.GAUGE,
      Source.JOB,
      "records",
      List.of("model", "version", "role"),
      "Size of the reference the last drift window was compared with (values of its best-covered"
          + " column, missing ones included)."),
  DRIFT_REFERENCE_PUBLISHED(
      "driftwatch_drift_reference_published",
      Kind.GAUGE,
      Source.JOB,
      "boolean",
      List.of("model", "version", "role"),
      "1 when the reference came from the profiles topic, 0 when it is the model version's first"
          + " records."),
  DRIFT_RECORDS_LATE_TOTAL(
      "driftwatch_drift_records_late_total",
      Kind.COUNTER,
      Source.JOB,
      "records",
      List.of("model", "version"),
      "Predictions that reached the drift branch after their drift window had closed; they are"
          + " left out of drift and data-quality windows."),
  SIDECAR_INGEST_REQUESTS_TOTAL(
      "driftwatch_sidecar_ingest_requests_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "requests",
      List.of("endpoint", "code"),
      "Requests to the ingest endpoints (endpoint=labels or cloudevents), by the status answered."),
  SIDECAR_LABELS_ACCEPTED_TOTAL(
      "driftwatch_sidecar_labels_accepted_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "labels",
      List.of(),
      "Labels accepted by POST /v1/labels."),
  SIDECAR_LABELS_SENT_TOTAL(
      "driftwatch_sidecar_labels_sent_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "labels",
      List.of(),
      "Labels acknowledged by Kafka."),
  SIDECAR_LABELS_DROPPED_TOTAL(
      "driftwatch_sidecar_labels_dropped_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "labels",
      List.of("reason"),
      "Labels accepted but not delivered, by reason."),
  SIDECAR_LABELS_QUEUE_RECORDS(
      "driftwatch_sidecar_labels_queue_records",
      Kind.GAUGE,
      Source.SIDECAR,
      "labels",
      List.of(),
      "Labels waiting to be sent."),
  SIDECAR_CLOUDEVENTS_RECEIVED_TOTAL(
      "driftwatch_sidecar_cloudevents_received_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "events",
      List.of("type"),
      "KServe logger CloudEvents accepted, by type (request, response)."),
  SIDECAR_CLOUDEVENTS_PAIRED_TOTAL(
      "driftwatch_sidecar_cloudevents_paired_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "inferences",
      List.of(),
      "Inferences whose request and response events were paired."),
  SIDECAR_CLOUDEVENTS_UNPAIRED_TOTAL(
      "driftwatch_sidecar_cloudevents_unpaired_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "events",
      List.of("reason"),
      "Events captured without their other half (no_response, no_request, evicted, duplicate, shutdown)."),
  SIDECAR_CLOUDEVENTS_PENDING(
      "driftwatch_sidecar_cloudevents_pending",
      Kind.GAUGE,
      Source.SIDECAR,
      "events",
      List.of(),
      "Events waiting for their other half."),
  SIDECAR_SPANS_EXPORTED_TOTAL(
      "driftwatch_sidecar_spans_exported_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "spans",
      List.of(),
      "Spans the OTLP collector accepted; present when tracing is on (otlp.endpoint)."),
  SIDECAR_SPANS_DROPPED_TOTAL(
      "driftwatch_sidecar_spans_dropped_total",
      Kind.COUNTER,
      Source.SIDECAR,
      "spans",
      List.of("reason"),
      "Spans given up, by reason (queue_full, export_failed, shutdown); present when tracing is"
          + " on. Inference is never affected.");

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
