package io.driftwatch.stats.drift;

/**
 * NannyML's L-infinity distance ({@code linf}): the largest absolute difference between the
 * category shares of reference and current, over the union of categories (numerical columns are
 * compared by their distinct values). NannyML has no fixed threshold (it learns one from reference
 * chunks); here drift is ≥ threshold with the distance default 0.1.
 */
final class LInfinityTest extends AbstractDriftMethod {

  LInfinityTest() {
    super("linf", Rule.STATISTIC_AT_LEAST, null);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    CategoryCounts.Aligned a = CategoryCounts.align(reference.counts(), current.counts());
    double d = Divergences.lInfinity(a.referenceShares(), a.currentShares());
    return exact(d, Double.NaN, d, options);
  }
}
