package io.driftwatch.stats.drift;

/** The shared decision logic: threshold rule, practical-significance gate, empty-side errors. */
abstract class AbstractDriftMethod implements DriftMethod {

  /** How the statistic or p-value is compared with the threshold. */
  enum Rule {
    /** Drift when p ≤ threshold (Evidently's ks). */
    P_AT_MOST,
    /** Drift when p &lt; threshold (chisquare, z). */
    P_BELOW,
    /** Drift when the statistic ≥ threshold (every distance). */
    STATISTIC_AT_LEAST
  }

  static final double P_VALUE_THRESHOLD = 0.05;
  static final double DISTANCE_THRESHOLD = 0.1;

  private final String name;
  private final Rule rule;
  private final String effectSizeMeasure;

  AbstractDriftMethod(String name, Rule rule, String effectSizeMeasure) {
    this.name = name;
    this.rule = rule;
    this.effectSizeMeasure = effectSizeMeasure == null ? name : effectSizeMeasure;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Kind kind() {
    return rule == Rule.STATISTIC_AT_LEAST ? Kind.DISTANCE : Kind.P_VALUE;
  }

  @Override
  public final double defaultThreshold() {
    return kind() == Kind.DISTANCE ? DISTANCE_THRESHOLD : P_VALUE_THRESHOLD;
  }

  @Override
  public final DriftResult test(
      ColumnSample reference, ColumnSample current, DriftOptions options) {
    double threshold = options.thresholdOr(defaultThreshold());
    if (reference.isEmpty()) {
      return DriftResult.error(name, threshold, "reference: no non-missing values");
    }
    if (current.isEmpty()) {
      return DriftResult.error(name, threshold, "current: no non-missing values");
    }
    if (reference.type() != current.type()) {
      return DriftResult.error(
          name,
          threshold,
          "column type: reference "
              + reference.type()
              + ", current "
              + current.type()
              + " (expected: the same)");
    }
    String unsupported = unsupported(reference.type());
    if (unsupported != null) {
      return DriftResult.error(name, threshold, unsupported);
    }
    return compute(reference, current, options);
  }

  /** A reason when the method does not accept this column type, else null. */
  String unsupported(ColumnType type) {
    return null;
  }

  /** Computes the result on two non-empty samples of the same, supported type. */
  abstract DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options);

  @Override
  public final DriftResult decide(
      double statistic, double pValue, double effectSize, double errorBound, DriftOptions options) {
    double threshold = options.thresholdOr(defaultThreshold());
    boolean drift =
        switch (rule) {
          case P_AT_MOST -> pValue <= threshold;
          case P_BELOW -> pValue < threshold;
          case STATISTIC_AT_LEAST -> statistic >= threshold;
        };
    if (!Double.isNaN(options.minEffectSize())) {
      drift &= Math.abs(effectSize) >= options.gateFor(effectSizeMeasure);
    }
    double p = kind() == Kind.DISTANCE ? Double.NaN : pValue;
    return new DriftResult(
        name, statistic, p, threshold, drift, effectSize, effectSizeMeasure, errorBound, null);
  }

  /** An exact-mode result. */
  final DriftResult exact(
      double statistic, double pValue, double effectSize, DriftOptions options) {
    return decide(statistic, pValue, effectSize, 0.0, options);
  }

  static String numericalOnly(String method, ColumnType type) {
    return type == ColumnType.NUMERICAL
        ? null
        : method + ": column type " + type + " (expected: NUMERICAL)";
  }

  @Override
  public String toString() {
    return name;
  }
}
