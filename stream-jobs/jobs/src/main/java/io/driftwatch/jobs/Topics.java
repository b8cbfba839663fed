package io.driftwatch.jobs;

/** The Kafka topics Driftwatch reads and writes; names are the defaults documented in docs/. */
public final class Topics {
  /** PredictionRecords from sidecars, keyed by model/version. */
  public static final String PREDICTIONS = "driftwatch.predictions";

  /** LabelRecords (ground truth), keyed by prediction id. */
  public static final String LABELS = "driftwatch.labels";

  /** Reference profiles (compacted), keyed by model/version. */
  public static final String PROFILES = "driftwatch.profiles";

  /** MetricSamples from the monitor job, keyed by metric name and labels. */
  public static final String METRICS = "driftwatch.metrics";

  /** DriftEvents from the monitor job. */
  public static final String EVENTS = "driftwatch.events";

  /** Records that could not be read, unchanged, with the reason in headers. */
  public static final String DLQ = "driftwatch.dlq";

  /** Header on a dead-letter record: why it was rejected. */
  public static final String DLQ_REASON_HEADER = "driftwatch.dlq.reason";

  /** Header on a dead-letter record: where it came from, {@code topic-partition@offset}. */
  public static final String DLQ_SOURCE_HEADER = "driftwatch.dlq.source";

  private Topics() {}
}
