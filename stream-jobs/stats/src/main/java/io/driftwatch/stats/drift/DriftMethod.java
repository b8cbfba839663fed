package io.driftwatch.stats.drift;

/**
 * One drift method (a statistical test or a distance) under Evidently's name, with its default
 * threshold and decision rule. Implementations are stateless and thread-safe; see {@link
 * DriftMethods} for the instances.
 */
public interface DriftMethod {

  /** Whether the method yields a p-value or a distance. */
  enum Kind {
    /** Drift when the p-value is below (or, for ks, at most) the threshold. */
    P_VALUE,
    /** Drift when the distance is at least the threshold. */
    DISTANCE
  }

  /** The name Evidently registers the method under ({@code ks}, {@code psi}, ...). */
  String name();

  /** P-value test or distance. */
  Kind kind();

  /** The default threshold: 0.05 for p-value tests, 0.1 for distances. */
  double defaultThreshold();

  /**
   * Runs the method on raw data in exact mode. Never throws for data: an empty side or a column
   * type the method does not accept yields an {@linkplain DriftResult#error error result}.
   */
  DriftResult test(ColumnSample reference, ColumnSample current, DriftOptions options);

  /**
   * Builds a result from an already computed statistic with this method's decision rule: the
   * sketch-mode implementations use it so that both modes decide identically.
   *
   * @param pValue the p-value, NaN for distances
   * @param effectSize the effect size for the practical-significance gate (for distances pass the
   *     statistic)
   * @param errorBound the absolute error bound on the statistic, 0 in exact mode
   */
  DriftResult decide(
      double statistic, double pValue, double effectSize, double errorBound, DriftOptions options);
}
