package io.driftwatch.stats.drift;

/**
 * Evidently's {@code wasserstein}: {@code scipy.stats.wasserstein_distance(reference, current)}
 * divided by {@code max(std(reference), 0.001)} with the population standard deviation; drift when
 * ≥ threshold (default 0.1). Numerical columns only.
 */
final class WassersteinTest extends AbstractDriftMethod {

  /** The floor of the normalising standard deviation. */
  static final double MIN_NORM = 0.001;

  WassersteinTest() {
    super("wasserstein", Rule.STATISTIC_AT_LEAST, null);
  }

  @Override
  String unsupported(ColumnType type) {
    return numericalOnly(name(), type);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    double[] a = reference.sortedValues();
    double norm = Math.max(populationStd(a), MIN_NORM);
    double w = wasserstein1(a, current.sortedValues()) / norm;
    return exact(w, Double.NaN, w, options);
  }

  /** Population standard deviation (ddof = 0), two-pass like pandas. */
  static double populationStd(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    double mean = sum / v.length;
    double sq = 0;
    for (double x : v) {
      double d = mean - x;
      sq += d * d;
    }
    return Math.sqrt(sq / v.length);
  }

  /**
   * The first Wasserstein distance of two ascending samples: ∫|F_u − F_v|, summed over the gaps of
   * the merged sample as {@code scipy.stats._cdf_distance(1, u, v)} does.
   */
  static double wasserstein1(double[] u, double[] v) {
    int nu = u.length;
    int nv = v.length;
    int n = nu + nv;
    double[] all = new double[n];
    int i = 0;
    int j = 0;
    for (int k = 0; k < n; k++) {
      all[k] = (j >= nv || (i < nu && u[i] <= v[j])) ? u[i++] : v[j++];
    }
    double sum = 0;
    int iu = 0;
    int iv = 0;
    for (int k = 0; k < n - 1; k++) {
      double x = all[k];
      while (iu < nu && u[iu] <= x) {
        iu++;
      }
      while (iv < nv && v[iv] <= x) {
        iv++;
      }
      sum += Math.abs((double) iu / nu - (double) iv / nv) * (all[k + 1] - x);
    }
    return sum;
  }
}
