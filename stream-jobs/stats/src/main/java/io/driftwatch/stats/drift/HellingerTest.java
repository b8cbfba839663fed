package io.driftwatch.stats.drift;

import java.util.Arrays;

/**
 * Evidently's {@code hellinger}; drift when ≥ threshold (default 0.1). Categorical columns: {@code
 * sqrt(1 − Σ sqrt(p·q))} over the union of categories. Numerical columns: NumPy Sturges edges over
 * the <em>distinct</em> values of reference ∪ current, density histograms of each side, and the
 * Bhattacharyya sum integrated with the mean bin width.
 */
final class HellingerTest extends AbstractDriftMethod {

  HellingerTest() {
    super("hellinger", Rule.STATISTIC_AT_LEAST, null);
  }

  @Override
  DriftResult compute(ColumnSample reference, ColumnSample current, DriftOptions options) {
    double h;
    if (reference.type() == ColumnType.CATEGORICAL) {
      CategoryCounts.Aligned a = CategoryCounts.align(reference.counts(), current.counts());
      h = Divergences.hellinger(a.referenceShares(), a.currentShares());
    } else {
      h = numerical(reference.sortedValues(), current.sortedValues());
    }
    return exact(h, Double.NaN, h, options);
  }

  private static double numerical(double[] a, double[] b) {
    double[] all = new double[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    int unique = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        unique++;
      }
    }
    double[] edges = NumpyHistogram.sturgesEdges(all[0], all[all.length - 1], unique);
    double[] h1 = density(NumpyHistogram.counts(a, edges), edges);
    double[] h2 = density(NumpyHistogram.counts(b, edges), edges);
    double binWidth = (edges[edges.length - 1] - edges[0]) / (edges.length - 1);
    double bc = 0;
    for (int i = 0; i < h1.length; i++) {
      bc += Math.sqrt(h1[i] * h2[i]) * binWidth;
    }
    return Math.sqrt(1 - Math.min(1.0, Math.max(0.0, bc)));
  }

  /** {@code np.histogram(..., density=True)}: count / bin width / total count. */
  private static double[] density(long[] counts, double[] edges) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] d = new double[counts.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = counts[i] / (edges[i + 1] - edges[i]) / total;
    }
    return d;
  }
}
