package io.driftwatch.stats.drift;

/**
 * Settings for one drift test. The defaults reproduce Evidently: each method's own threshold, no
 * practical-significance gate, natural-log Jensen–Shannon.
 *
 * @param threshold the decision threshold; NaN means the method's default (0.05 for p-value tests,
 *     0.1 for distances)
 * @param minEffectSize the practical-significance gate: when set (not NaN), a test only reports
 *     drift if also |effect size| ≥ this value (KS D, Cramér's V, or the distance itself; Cohen's h
 *     at twice the value, {@link #gateFor}). Off by default so results equal Evidently's
 * @param jsLogBase log base of the Jensen–Shannon distance: e (Evidently, default) or 2 (NannyML)
 */
public record DriftOptions(double threshold, double minEffectSize, double jsLogBase) {

  private static final DriftOptions DEFAULTS = new DriftOptions(Double.NaN, Double.NaN, Math.E);

  /** Validates every field. */
  public DriftOptions {
    if (!Double.isNaN(threshold) && !(threshold >= 0 && Double.isFinite(threshold))) {
      throw new IllegalArgumentException(
          "threshold: " + threshold + " (expected: finite and >= 0, or NaN for the default)");
    }
    if (!Double.isNaN(minEffectSize) && !(minEffectSize >= 0 && Double.isFinite(minEffectSize))) {
      throw new IllegalArgumentException(
          "minEffectSize: " + minEffectSize + " (expected: finite and >= 0, or NaN for off)");
    }
    if (!(jsLogBase > 0 && jsLogBase != 1 && Double.isFinite(jsLogBase))) {
      throw new IllegalArgumentException(
          "jsLogBase: " + jsLogBase + " (expected: finite, > 0 and != 1, e.g. e or 2)");
    }
  }

  /** Evidently's defaults. */
  public static DriftOptions defaults() {
    return DEFAULTS;
  }

  /** A copy with another threshold (NaN restores the method default). */
  public DriftOptions withThreshold(double t) {
    return new DriftOptions(t, minEffectSize, jsLogBase);
  }

  /**
   * The gate for an effect size measure: {@link #minEffectSize} itself, except Cohen's h (the
   * z-test's) at twice the value: for two samples of equal size h ≈ 2φ, where φ is Cramér's V of
   * the 2×2 table, so one gate asks for the same effect whichever test Evidently's selection picks
   * (and 2 × 0.1 is Cohen's own "small" for h). Gated at 0.1, h lets one quiet window in 50 alarm
   * against a 1000-record reference.
   */
  public double gateFor(String effectSizeMeasure) {
    return "cohens_h".equals(effectSizeMeasure) ? 2 * minEffectSize : minEffectSize;
  }

  /** A copy with the practical-significance gate set (NaN turns it off). */
  public DriftOptions withMinEffectSize(double m) {
    return new DriftOptions(threshold, m, jsLogBase);
  }

  /** A copy with another Jensen–Shannon log base. */
  public DriftOptions withJsLogBase(double base) {
    return new DriftOptions(threshold, minEffectSize, base);
  }

  /** The threshold in force for a method whose default is {@code methodDefault}. */
  public double thresholdOr(double methodDefault) {
    return Double.isNaN(threshold) ? methodDefault : threshold;
  }
}
