package io.driftwatch.stats.drift;

/**
 * Evidently's {@code jensenshannon}: {@code scipy.spatial.distance.jensenshannon(ref%, cur%, base)}
 * over {@linkplain EvidentlyBinning Evidently's bins}, without zero filling; natural log by default
 * ({@link DriftOptions#jsLogBase}, 2 for NannyML); drift when ≥ threshold (default 0.1).
 */
final class JensenShannonTest extends AbstractDriftMethod {

  JensenShannonTest() {
    super("jensenshannon", Rule.STATISTIC_AT_LEAST, null);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    double[][] s = EvidentlyBinning.shares(reference, current, false);
    double js = Divergences.jensenShannon(s[0], s[1], options.jsLogBase());
    return exact(js, Double.NaN, js, options);
  }
}
