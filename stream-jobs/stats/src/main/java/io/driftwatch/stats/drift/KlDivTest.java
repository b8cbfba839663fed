package io.driftwatch.stats.drift;

/**
 * Evidently's {@code kl_div}: {@code scipy.stats.entropy(ref%, cur%)} (KL(ref ‖ cur) in nats, both
 * renormalised) over {@linkplain EvidentlyBinning Evidently's bins} with zero filling; drift when ≥
 * threshold (default 0.1).
 */
final class KlDivTest extends AbstractDriftMethod {

  KlDivTest() {
    super("kl_div", Rule.STATISTIC_AT_LEAST, null);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    double[][] s = EvidentlyBinning.shares(reference, current, true);
    double kl = Divergences.klDivergence(s[0], s[1]);
    return exact(kl, Double.NaN, kl, options);
  }
}
