package io.driftwatch.demo;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** Sample statistics and their standard errors, for tolerances derived from the sample size. */
final class SampleStats {

  /** Five standard errors: a correct implementation fails a check with probability < 1e-6. */
  static final double Z = 5;

  private SampleStats() {}

  static <T> double[] column(List<T> rows, ToDoubleFunction<T> value) {
    return rows.stream().mapToDouble(value).toArray();
  }

  static double mean(double[] x) {
    return Arrays.stream(x).average().orElseThrow();
  }

  static double sd(double[] x) {
    double m = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (x.length - 1));
  }

  /** Standard error of the mean. */
  static double se(double[] x) {
    return sd(x) / Math.sqrt(x.length);
  }

  static double median(double[] x) {
    double[] sorted = x.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static <T> double share(List<T> rows, Predicate<T> test) {
    return (double) rows.stream().filter(test).count() / rows.size();
  }

  /** Standard error of a proportion {@code p} estimated from {@code n} draws. */
  static double shareSe(double p, int n) {
    return Math.sqrt(p * (1 - p) / n);
  }

  /** Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical CDFs. */
  static double ks(double[] a, double[] b) {
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < x.length && j < y.length) {
      double v = Math.min(x[i], y[j]);
      while (i < x.length && x[i] <= v) {
        i++;
      }
      while (j < y.length && y[j] <= v) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
    }
    return d;
  }

  /**
   * The KS critical value at significance 1e-6: {@code c(a) * sqrt((n + m) / (n m))} with {@code
   * c(a) = sqrt(-ln(a / 2) / 2)} (asymptotic; conservative for discrete data).
   */
  static double ksCritical(int n, int m) {
    double c = Math.sqrt(-Math.log(1e-6 / 2) / 2);
    return c * Math.sqrt((double) (n + m) / ((double) n * m));
  }
}
