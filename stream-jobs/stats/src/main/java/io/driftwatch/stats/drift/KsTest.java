package io.driftwatch.stats.drift;

/**
 * Evidently's {@code ks}: {@code scipy.stats.ks_2samp(reference, current)} (two-sided, method
 * auto); drift when p ≤ threshold (default 0.05). Numerical columns only. Effect size: D.
 */
final class KsTest extends AbstractDriftMethod {

  KsTest() {
    super("ks", Rule.P_AT_MOST, "ks_d");
  }

  @Override
  String unsupported(ColumnType type) {
    return numericalOnly(name(), type);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    KsTwoSample.Result r = KsTwoSample.testSorted(reference.sortedValues(), current.sortedValues());
    return exact(r.statistic(), r.pValue(), r.statistic(), options);
  }
}
