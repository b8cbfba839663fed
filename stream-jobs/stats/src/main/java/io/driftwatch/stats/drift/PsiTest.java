package io.driftwatch.stats.drift;

/**
 * Evidently's {@code psi}: Σ (ref% − cur%)·ln(ref% / cur%) over {@linkplain EvidentlyBinning
 * Evidently's bins} with zero filling; drift when ≥ threshold (default 0.1).
 */
final class PsiTest extends AbstractDriftMethod {

  PsiTest() {
    super("psi", Rule.STATISTIC_AT_LEAST, null);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    double[][] s = EvidentlyBinning.shares(reference, current, true);
    double psi = Divergences.psi(s[0], s[1]);
    return exact(psi, Double.NaN, psi, options);
  }
}
