package io.driftwatch.stats.drift;

/**
 * Distances between two discrete distributions given as share (or count) vectors over the same
 * bins, with the exact conventions of the tools users compare against: PSI and KL with Evidently's
 * zero filling, {@code scipy.stats.entropy}, {@code scipy.spatial.distance.jensenshannon}, the
 * Bhattacharyya form of Hellinger and NannyML's L-infinity. Inputs must have equal length and
 * non-negative finite entries; none of these methods modify their arguments.
 */
public final class Divergences {

  private Divergences() {}

  /**
   * Evidently's zero filling ({@code get_binned_data(..., feel_zeroes=True)}): every zero share
   * becomes {@code m / 1e6} when the smallest non-zero share {@code m} is at most 1e-4, else 1e-4.
   * Applied to each side separately; the result is not renormalised.
   *
   * @throws IllegalArgumentException when every share is zero
   */
  public static double[] fillZeros(double[] shares) {
    double min = Double.POSITIVE_INFINITY;
    for (double s : shares) {
      if (s != 0) {
        min = Math.min(min, s);
      }
    }
    if (min == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("shares: all zero (expected: at least one > 0)");
    }
    double fill = zeroFill(min);
    double[] out = shares.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        out[i] = fill;
      }
    }
    return out;
  }

  /**
   * The value {@link #fillZeros} gives a zero share when the smallest non-zero share of that side
   * is {@code smallestNonZero}: {@code smallestNonZero / 1e6} if it is at most 1e-4, else 1e-4.
   * Never decreasing in its argument, and at most 1e-4.
   */
  public static double zeroFill(double smallestNonZero) {
    return smallestNonZero <= 0.0001 ? smallestNonZero / 1e6 : 0.0001;
  }

  /** PSI = Σ (ref − cur) · ln(ref / cur) on shares that are already zero-filled. */
  public static double psi(double[] reference, double[] current) {
    check(reference, current);
    double sum = 0;
    for (int i = 0; i < reference.length; i++) {
      sum += (reference[i] - current[i]) * Math.log(reference[i] / current[i]);
    }
    return sum;
  }

  /**
   * KL(p ‖ q) in nats as {@code scipy.stats.entropy(p, q)}: both vectors are renormalised to sum 1;
   * +∞ when q is 0 where p is not.
   */
  public static double klDivergence(double[] p, double[] q) {
    check(p, q);
    double[] pn = normalize(p);
    double[] qn = normalize(q);
    double sum = 0;
    for (int i = 0; i < pn.length; i++) {
      sum += relEntr(pn[i], qn[i]);
    }
    return sum;
  }

  /**
   * The Jensen–Shannon distance as {@code scipy.spatial.distance.jensenshannon(p, q, base)}: both
   * vectors renormalised, no zero filling, the square root of the JS divergence in the given log
   * base ({@link Math#E} for Evidently, 2 for NannyML). Rounding noise below zero is clamped to 0.
   */
  public static double jensenShannon(double[] p, double[] q, double base) {
    check(p, q);
    double[] pn = normalize(p);
    double[] qn = normalize(q);
    double left = 0;
    double right = 0;
    for (int i = 0; i < pn.length; i++) {
      double m = (pn[i] + qn[i]) / 2.0;
      left += relEntr(pn[i], m);
      right += relEntr(qn[i], m);
    }
    double js = left + right;
    if (base != Math.E) {
      js /= Math.log(base);
    }
    return Math.sqrt(Math.max(0.0, js / 2.0));
  }

  /**
   * Hellinger distance of two share vectors through the Bhattacharyya coefficient: {@code sqrt(1 −
   * clip(Σ sqrt(p·q), 0, 1))}, as Evidently computes it for categorical columns.
   */
  public static double hellinger(double[] p, double[] q) {
    check(p, q);
    double bc = 0;
    for (int i = 0; i < p.length; i++) {
      bc += Math.sqrt(p[i] * q[i]);
    }
    return Math.sqrt(1 - Math.min(1.0, Math.max(0.0, bc)));
  }

  /** L-infinity distance: the largest absolute difference of two share vectors (NannyML). */
  public static double lInfinity(double[] p, double[] q) {
    check(p, q);
    double max = 0;
    for (int i = 0; i < p.length; i++) {
      max = Math.max(max, Math.abs(p[i] - q[i]));
    }
    return max;
  }

  /** {@code scipy.special.rel_entr}: x·ln(x/y) for x, y &gt; 0; 0 for x = 0; +∞ otherwise. */
  static double relEntr(double x, double y) {
    if (x > 0 && y > 0) {
      return x * Math.log(x / y);
    }
    if (x == 0 && y >= 0) {
      return 0;
    }
    return Double.POSITIVE_INFINITY;
  }

  private static double[] normalize(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / sum;
    }
    return out;
  }

  private static void check(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "share vector lengths: " + a.length + ", " + b.length + " (expected: equal)");
    }
  }
}
