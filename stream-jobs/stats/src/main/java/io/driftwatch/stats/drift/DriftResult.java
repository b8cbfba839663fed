package io.driftwatch.stats.drift;

/**
 * The outcome of one drift method on one column.
 *
 * <p>For p-value methods ({@code ks}, {@code chisquare}, {@code z}) {@code statistic} is KS D, the
 * chi-square statistic (+∞ when current holds a category the reference never had) or z, and {@code
 * pValue} is in [0, 1]; {@code effectSize} is KS D, Cramér's V or Cohen's h. For distances {@code
 * pValue} is NaN and {@code effectSize} equals {@code statistic}. An error result (e.g. an empty
 * side) has NaN numbers, {@code drift == false} and a reason in {@code error}.
 *
 * @param method the method name, as Evidently spells it
 * @param statistic the test statistic or distance
 * @param pValue the p-value; NaN for distances and errors
 * @param threshold the threshold the decision used
 * @param drift whether drift was detected (including the practical-significance gate, when set)
 * @param effectSize a sample-size-free effect measure; NaN when undefined
 * @param effectSizeMeasure what {@code effectSize} is: {@code ks_d}, {@code cramers_v}, {@code
 *     cohens_h} or the distance's own name; null for errors
 * @param errorBound absolute bound on {@code statistic} from sketching (0 in exact mode); for
 *     sketch-mode KS it holds with ≥ 98% confidence (two KLL sketches at 99% each)
 * @param error why no result could be computed; null when the result is valid
 */
public record DriftResult(
    String method,
    double statistic,
    double pValue,
    double threshold,
    boolean drift,
    double effectSize,
    String effectSizeMeasure,
    double errorBound,
    String error) {

  /** An error result for a column that could not be tested. */
  public static DriftResult error(String method, double threshold, String reason) {
    return new DriftResult(
        method, Double.NaN, Double.NaN, threshold, false, Double.NaN, null, Double.NaN, reason);
  }

  /** Whether this is an error result. */
  public boolean isError() {
    return error != null;
  }

  /** Whether the method reports a p-value (rather than a distance). */
  public boolean hasPValue() {
    return !Double.isNaN(pValue);
  }

  /**
   * Evidently's {@code drift_score}: the p-value for p-value methods, the statistic for distances.
   */
  public double score() {
    return hasPValue() ? pValue : statistic;
  }
}
