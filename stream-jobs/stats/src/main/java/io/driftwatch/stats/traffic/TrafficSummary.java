package io.driftwatch.stats.traffic;

/**
 * Traffic of one model version over one window.
 *
 * @param records records seen
 * @param predictions estimated predictions served: the sum of the records' sampling weights
 * @param clientErrors records answered 4xx (weighted)
 * @param serverErrors records answered 5xx, with no response, or with a gRPC error (weighted)
 * @param invalidLatencies records whose latency was NaN, infinite or negative; not in the sketch
 * @param latencySumSeconds sum of the valid latencies, weighted
 * @param latencyCount valid latencies in the sketch (unweighted)
 * @param quantiles latency quantiles in seconds, in the order of {@link
 *     TrafficAccumulator#QUANTILES}; NaN when no valid latency was seen
 * @param rankError the sketch's normalized rank error at 99% confidence: a reported q-quantile is a
 *     true quantile for some rank in [q - rankError, q + rankError]
 */
public record TrafficSummary(
    long records,
    double predictions,
    double clientErrors,
    double serverErrors,
    long invalidLatencies,
    double latencySumSeconds,
    long latencyCount,
    double[] quantiles,
    double rankError) {

  /** Server errors as a share of predictions; NaN for an empty window. */
  public double serverErrorRatio() {
    return predictions == 0 ? Double.NaN : serverErrors / predictions;
  }
}
