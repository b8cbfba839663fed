package io.driftwatch.stats.drift;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * Count-based tests on two count vectors over the same categories, as Evidently runs them: the
 * chi-square goodness of fit of the current counts against reference counts scaled to the current
 * size, and the two-proportion z-test. Each comes with a sample-size-free effect size.
 */
public final class CountTests {

  private static final double SQRT1_2 = Math.sqrt(0.5);

  private CountTests() {}

  /**
   * A chi-square outcome.
   *
   * @param statistic Pearson's statistic; +∞ when current holds a category with reference count 0
   * @param pValue {@code chi2.sf(statistic, categories − 1)}; 0 for an infinite statistic, 1 for a
   *     single category (SciPy returns NaN there, which Evidently reads as no drift)
   * @param degreesOfFreedom categories − 1
   * @param cramersV Cramér's V of the 2×k table (reference, current) × categories, in [0, 1]
   */
  public record ChiSquare(double statistic, double pValue, int degreesOfFreedom, double cramersV) {}

  /**
   * A two-proportion z outcome.
   *
   * @param z (p_ref − p_cur) / pooled standard error, where p is the share of values other than the
   *     smallest category; 0 when both sides hold the same single value
   * @param pValue {@code 2·(1 − Φ(|z|))}; exactly 1 when both sides hold the same single value
   * @param cohensH 2·asin(√p_ref) − 2·asin(√p_cur)
   */
  public record Z(double z, double pValue, double cohensH) {}

  /**
   * {@code scipy.stats.chisquare(f_obs=current, f_exp=reference · (n_cur / n_ref))}.
   *
   * @throws IllegalArgumentException when the lengths differ or a side sums to 0
   */
  public static ChiSquare chiSquare(long[] reference, long[] current) {
    check(reference, current);
    long nRef = sum(reference);
    long nCur = sum(current);
    double kNorm = (double) nCur / nRef;
    double stat = 0;
    for (int i = 0; i < reference.length; i++) {
      double exp = reference[i] * kNorm;
      double diff = current[i] - exp;
      stat += diff * diff / exp;
    }
    int dof = reference.length - 1;
    double p;
    if (dof == 0) {
      stat = 0;
      p = 1.0;
    } else if (stat == Double.POSITIVE_INFINITY) {
      p = 0.0;
    } else {
      p = Gamma.regularizedGammaQ(dof / 2.0, stat / 2.0);
    }
    return new ChiSquare(stat, p, dof, cramersV(reference, current));
  }

  /**
   * Cramér's V of the 2×k contingency table with rows reference and current: {@code sqrt(χ² /
   * (N·min(1, k − 1)))}, with Pearson's χ² of independence (no continuity correction). 0 for a
   * single category.
   */
  public static double cramersV(long[] reference, long[] current) {
    check(reference, current);
    long nRef = sum(reference);
    long nCur = sum(current);
    double n = (double) nRef + nCur;
    if (reference.length < 2) {
      return 0.0;
    }
    double chi2 = 0;
    for (int i = 0; i < reference.length; i++) {
      double col = (double) reference[i] + current[i];
      if (col == 0) {
        continue;
      }
      double er = col * nRef / n;
      double ec = col * nCur / n;
      chi2 += (reference[i] - er) * (reference[i] - er) / er;
      chi2 += (current[i] - ec) * (current[i] - ec) / ec;
    }
    return Math.min(1.0, Math.sqrt(chi2 / n));
  }

  /**
   * Evidently's two-proportion z-test: category 0 of the (sorted) categories is coded 0, all others
   * 1. Both sides holding only the same single category gives p = 1.
   *
   * @param reference counts per sorted category
   * @param current counts per the same sorted categories
   * @throws IllegalArgumentException when the lengths differ or a side sums to 0
   */
  public static Z z(long[] reference, long[] current) {
    check(reference, current);
    long n1 = sum(reference);
    long n2 = sum(current);
    int refValues = 0;
    int curValues = 0;
    int refOnly = -1;
    int curOnly = -1;
    for (int i = 0; i < reference.length; i++) {
      if (reference[i] > 0) {
        refValues++;
        refOnly = i;
      }
      if (current[i] > 0) {
        curValues++;
        curOnly = i;
      }
    }
    if (refValues == 1 && curValues == 1 && refOnly == curOnly) {
      return new Z(0.0, 1.0, 0.0);
    }
    double p1 = (double) (n1 - reference[0]) / n1;
    double p2 = (double) (n2 - current[0]) / n2;
    double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    double z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    double p = 2 * (1 - ndtr(Math.abs(z)));
    double h = 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
    return new Z(z, p, h);
  }

  /** The standard normal CDF evaluated as Cephes' {@code ndtr} (SciPy's {@code norm.cdf}). */
  static double ndtr(double a) {
    double x = a * SQRT1_2;
    double zz = Math.abs(x);
    if (zz < SQRT1_2) {
      return 0.5 + 0.5 * Erf.erf(x);
    }
    double y = 0.5 * Erf.erfc(zz);
    return x > 0 ? 1.0 - y : y;
  }

  private static long sum(long[] v) {
    long s = 0;
    for (long x : v) {
      if (x < 0) {
        throw new IllegalArgumentException("count: " + x + " (expected: >= 0)");
      }
      s += x;
    }
    return s;
  }

  private static void check(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "count vector lengths: " + a.length + ", " + b.length + " (expected: equal)");
    }
    if (a.length == 0 || sum(a) == 0 || sum(b) == 0) {
      throw new IllegalArgumentException("counts: an empty side (expected: both sums > 0)");
    }
  }
}
