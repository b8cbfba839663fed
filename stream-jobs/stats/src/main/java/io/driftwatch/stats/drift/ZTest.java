package io.driftwatch.stats.drift;

/**
 * Evidently's {@code z}: the two-proportion z-test with the smallest category (in sort order) coded
 * 0 and every other value 1; p = 2·(1 − Φ(|z|)); both sides holding the same single value give p =
 * 1. Drift when p &lt; threshold (default 0.05). Effect size: Cohen's h.
 */
final class ZTest extends AbstractDriftMethod {

  ZTest() {
    super("z", Rule.P_BELOW, "cohens_h");
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    CategoryCounts.Aligned a = CategoryCounts.align(reference.counts(), current.counts());
    CountTests.Z z = CountTests.z(a.reference(), a.current());
    return exact(z.z(), z.pValue(), z.cohensH(), options);
  }
}
