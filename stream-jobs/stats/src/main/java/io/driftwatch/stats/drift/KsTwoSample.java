package io.driftwatch.stats.drift;

import java.util.Arrays;

/**
 * The two-sided two-sample Kolmogorov–Smirnov test as {@code scipy.stats.ks_2samp(a, b)} computes
 * it in its default {@code method='auto'} (SciPy 1.10): the exact p-value by Hodges' lattice-path
 * recursion when both samples hold at most {@value #MAX_EXACT_N} values, otherwise SciPy's
 * "asymptotic" p-value, which is the one-sample Kolmogorov distribution {@code kstwo.sf(D,
 * round(n1·n2/(n1+n2)))}.
 */
public final class KsTwoSample {

  /** Largest sample size (of either sample) for which the exact p-value is computed. */
  public static final int MAX_EXACT_N = 10_000;

  /**
   * A KS outcome.
   *
   * @param statistic D, the largest distance between the two empirical CDFs; in exact mode it is
   *     rounded to the lattice value h/lcm(n1, n2) like SciPy does
   * @param pValue two-sided p-value in [0, 1]
   * @param exact whether the exact distribution was used
   */
  public record Result(double statistic, double pValue, boolean exact) {}

  private KsTwoSample() {}

  /**
   * Runs the test on two samples of finite values (order irrelevant; the arrays are not changed).
   *
   * @throws IllegalArgumentException when either sample is empty
   */
  public static Result test(double[] reference, double[] current) {
    double[] a = reference.clone();
    double[] b = current.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    return testSorted(a, b);
  }

  /** As {@link #test} for samples already sorted ascending. */
  static Result testSorted(double[] a, double[] b) {
    if (a.length == 0 || b.length == 0) {
      throw new IllegalArgumentException(
          "ks sample sizes: " + a.length + ", " + b.length + " (expected: both > 0)");
    }
    return pValue(statistic(a, b), a.length, b.length);
  }

  /**
   * D = sup |F_a − F_b| of two ascending samples, evaluated at every observation the way SciPy does
   * (CDF differences {@code i/n1 − j/n2} in double precision).
   */
  static double statistic(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    int i = 0;
    int j = 0;
    double maxS = Double.NEGATIVE_INFINITY;
    double minS = Double.POSITIVE_INFINITY;
    while (i < n1 || j < n2) {
      double v;
      if (j >= n2 || (i < n1 && a[i] <= b[j])) {
        v = a[i];
      } else {
        v = b[j];
      }
      while (i < n1 && a[i] <= v) {
        i++;
      }
      while (j < n2 && b[j] <= v) {
        j++;
      }
      double diff = (double) i / n1 - (double) j / n2;
      maxS = Math.max(maxS, diff);
      minS = Math.min(minS, diff);
    }
    double negMin = Math.min(1.0, Math.max(0.0, -minS));
    return negMin > maxS ? negMin : maxS;
  }

  /**
   * The two-sided p-value of a statistic {@code d} for sample sizes {@code n1} and {@code n2},
   * choosing exact or asymptotic like {@code ks_2samp(method='auto')}.
   */
  public static Result pValue(double d, long n1, long n2) {
    if (n1 <= 0 || n2 <= 0) {
      throw new IllegalArgumentException(
          "ks sample sizes: " + n1 + ", " + n2 + " (expected: both > 0)");
    }
    if (Math.max(n1, n2) <= MAX_EXACT_N) {
      long g = gcd(n1, n2);
      long lcm = (n1 / g) * n2;
      long h = (long) Math.rint(d * lcm);
      double rounded = h * 1.0 / lcm;
      if (h == 0) {
        return new Result(rounded, 1.0, true);
      }
      double prob =
          n1 == n2
              ? probOutsideSquare((int) n1, (int) h)
              : outerProbInsideMethod((int) n1, (int) n2, (int) g, (int) h);
      if (prob >= 0 && prob <= 1) {
        return new Result(rounded, prob, true);
      }
      // SciPy falls back to the asymptotic distribution, keeping the lattice-rounded D
      d = rounded;
    }
    double m = Math.max(n1, n2);
    double n = Math.min(n1, n2);
    double en = m * n / (m + n);
    long rounded = (long) Math.rint(en);
    double p = KolmogorovDistribution.sf(rounded, d);
    return new Result(d, Math.min(1.0, Math.max(0.0, p)), false);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /**
   * P(D_{n,n} &gt;= h/n) by the alternating sum of binomial ratios, evaluated Horner-style to avoid
   * cancellation (SciPy's {@code _compute_prob_outside_square}).
   */
  static double probOutsideSquare(int n, int h) {
    double p = 0.0;
    int k = (int) Math.floor((double) n / h);
    while (k >= 0) {
      double p1 = 1.0;
      for (int j = 0; j < h; j++) {
        p1 = (n - (long) k * h - j) * p1 / (n + (long) k * h + j + 1);
      }
      p = p1 * (1.0 - p);
      k -= 1;
    }
    return 2 * p;
  }

  /**
   * The share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| &lt; h/lcm,
   * computed directly as 1 − p (Hodges' inside method in Viehmann's numerically stable form, like
   * SciPy's {@code _compute_outer_prob_inside_method}).
   */
  static double outerProbInsideMethod(int m, int n, int g, int h) {
    if (m < n) {
      int t = m;
      m = n;
      n = t;
    }
    int mg = m / g;
    int ng = n / g;
    int minj = 0;
    int maxj = (int) Math.min(Math.ceil((double) h / mg), n + 1);
    int curlen = maxj - minj;
    int lenA = Math.min(2 * maxj + 2, n + 1);
    double[] a = new double[lenA];
    Arrays.fill(a, 1.0);
    for (int i = minj; i < Math.min(maxj, lenA); i++) {
      a[i] = 0.0;
    }
    for (int i = 1; i <= m; i++) {
      int lastminj = minj;
      int lastlen = curlen;
      minj = Math.max((int) Math.floor(((double) ng * i - h) / mg) + 1, 0);
      minj = Math.min(minj, n);
      maxj = (int) Math.min(Math.ceil(((double) ng * i + h) / mg), n + 1);
      if (maxj <= minj) {
        return 1.0;
      }
      double val = minj == 0 ? 0.0 : 1.0;
      for (int jj = 0; jj < maxj - minj; jj++) {
        int j = jj + minj;
        val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
        a[jj] = val;
      }
      curlen = maxj - minj;
      if (lastlen > curlen) {
        int from = maxj - minj;
        int to = Math.min(lenA, from + (lastlen - curlen));
        for (int c = from; c < to; c++) {
          a[c] = 1;
        }
      }
    }
    return a[maxj - minj - 1];
  }
}
