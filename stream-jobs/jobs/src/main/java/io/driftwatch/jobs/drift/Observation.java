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
    return of(
        r.getModel(),
        r.getModelVersion(),
        r.getPredictionId(),
        Columns.of(r.getFeaturesMap()),
        Columns.of(r.getOutputsMap()),
        buckets,
        fallback);
  }

  /**
   * An observation from projections already made (by a decoder that reads the wire format itself).
   *
   * @param inputs the features' columns, null when there were none
   * @param outputs the outputs' columns, null when there were none
   * @param buckets number of pre-aggregation buckets, at least 1
   * @param fallback spreads records without a prediction id over the buckets (any counter)
   */
  public static Observation of(
      String model,
      String version,
      String predictionId,
      Columns inputs,
      Columns outputs,
      int buckets,
      long fallback) {
    Observation o = new Observation();
    o.model = model;
    o.version = version;
    // Fibonacci hashing spreads the sequential ids some servers use over all buckets.
    long h =
        predictionId.isEmpty() ? fallback : (predictionId.hashCode() * 0x9E3779B97F4A7C15L) >>> 32;
    o.bucket = (int) Math.floorMod(h, (long) buckets);
    o.inputs = inputs;
    o.outputs = outputs;
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
