package io.driftwatch.jobs.drift;

import io.driftwatch.schema.v1.PredictionRecord;

/**
 * What the drift branch needs of one prediction: its series, its pre-aggregation bucket, and the
 * projections of its inputs and outputs (each null when the record carried none). The event time
 * travels as the Flink record timestamp.
 */
public final class Observation {
  public String model;
  public String version;

  /** The pre-aggregation bucket, in [0, buckets). */
  public int bucket;

  public Columns inputs;
  public Columns outputs;

  public Observation() {}

  /**
   * Projects a decoded prediction.
   *
   * @param buckets number of pre-aggregation buckets, at least 1
   * @param fallback spreads records without a prediction id over the buckets (any counter)
   */
  public static Observation of(PredictionRecord r, int buckets, long fallback) {
    Observation o = new Observation();
    o.model = r.getModel();
    o.version = r.getModelVersion();
    String id = r.getPredictionId();
    // Fibonacci hashing spreads the sequential ids some servers use over all buckets.
    long h = id.isEmpty() ? fallback : (id.hashCode() * 0x9E3779B97F4A7C15L) >>> 32;
    o.bucket = (int) Math.floorMod(h, (long) buckets);
    o.inputs = Columns.of(r.getFeaturesMap());
    o.outputs = Columns.of(r.getOutputsMap());
    return o;
  }

  /** The series: {@code model/version}, as the traffic branch and the profiles topic key it. */
  public String seriesKey() {
    return model + "/" + version;
  }

  /** The pre-aggregation key: series and bucket. */
  public String bucketKey() {
    return seriesKey() + "#" + bucket;
  }
}
