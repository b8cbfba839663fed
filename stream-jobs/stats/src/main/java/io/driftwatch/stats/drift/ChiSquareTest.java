package io.driftwatch.stats.drift;

/**
 * Evidently's {@code chisquare}: goodness of fit of the current value counts against the reference
 * counts scaled by n_cur/n_ref, over the union of categories; a category new in current makes the
 * statistic +∞ and p = 0. Drift when p &lt; threshold (default 0.05). Effect size: Cramér's V.
 */
final class ChiSquareTest extends AbstractDriftMethod {

  ChiSquareTest() {
    super("chisquare", Rule.P_BELOW, "cramers_v");
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    CategoryCounts.Aligned a = CategoryCounts.align(reference.counts(), current.counts());
    CountTests.ChiSquare c = CountTests.chiSquare(a.reference(), a.current());
    return exact(c.statistic(), c.pValue(), c.cramersV(), options);
  }
}
