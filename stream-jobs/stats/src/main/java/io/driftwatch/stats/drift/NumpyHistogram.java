package io.driftwatch.stats.drift;

/**
 * Histogram bin edges and counts computed exactly as NumPy 1.24 computes them, so binned drift
 * methods see the same bins as Evidently: {@code np.histogram_bin_edges(a, bins="sturges")} (equal
 * width {@code ptp / (log2(n) + 1)}, bin count {@code ceil(ptp / width)}, edges from {@code
 * np.linspace}) and {@code np.histogram(a, edges)} (bins [a, b), the last one closed).
 */
public final class NumpyHistogram {

  private NumpyHistogram() {}

  /**
   * Sturges edges of a non-empty sample of finite values ({@code np.histogram_bin_edges(values,
   * bins="sturges")}).
   *
   * @throws IllegalArgumentException when {@code values} is empty or holds a non-finite value
   */
  public static double[] sturgesEdges(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("sturges sample size: 0 (expected: > 0)");
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("sturges value: " + v + " (expected: finite)");
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return sturgesEdges(min, max, values.length);
  }

  /**
   * Sturges edges for {@code n} values spanning [{@code min}, {@code max}]: what NumPy returns for
   * any sample with that size, minimum and maximum.
   *
   * @throws IllegalArgumentException when {@code n < 1}, the range is not finite or min &gt; max
   */
  public static double[] sturgesEdges(double min, double max, long n) {
    if (n < 1 || !Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException(
          "sturges range: ["
              + min
              + ", "
              + max
              + "] of "
              + n
              + " values (expected: finite, n > 0)");
    }
    double ptp = max - min;
    double first = min;
    double last = max;
    if (first == last) {
      first = first - 0.5;
      last = last + 0.5;
    }
    double width = ptp / (log2(n) + 1.0);
    int bins = width != 0 ? (int) Math.ceil((last - first) / width) : 1;
    return linspace(first, last, bins + 1);
  }

  /** Equal-width edges: {@code bins + 1} values from {@code np.linspace(min, max, bins + 1)}. */
  public static double[] equalWidthEdges(double min, double max, int bins) {
    if (bins < 1 || !Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException(
          "equal-width range: [" + min + ", " + max + "] in " + bins + " bins (expected: finite)");
    }
    if (min == max) {
      return linspace(min - 0.5, max + 0.5, bins + 1);
    }
    return linspace(min, max, bins + 1);
  }

  /** {@code np.linspace(start, stop, num)} with the end point, value for value. */
  public static double[] linspace(double start, double stop, int num) {
    double[] y = new double[num];
    int div = num - 1;
    double delta = stop - start;
    if (div > 0) {
      double step = delta / div;
      for (int i = 0; i < num; i++) {
        y[i] = step == 0 ? (i / (double) div) * delta + start : i * step + start;
      }
    } else if (num == 1) {
      y[0] = start;
    }
    if (num > 1) {
      y[num - 1] = stop;
    }
    return y;
  }

  /**
   * Counts per bin: bin i holds values in [edges[i], edges[i+1]), the last bin also its right edge;
   * values outside [edges[0], edges[last]] and NaN are not counted.
   */
  public static long[] counts(double[] values, double[] edges) {
    long[] counts = new long[edges.length - 1];
    for (double v : values) {
      int bin = binOf(v, edges);
      if (bin >= 0) {
        counts[bin]++;
      }
    }
    return counts;
  }

  /**
   * The bin index of {@code v}, or -1 when it falls outside the edges (or is NaN); same rule as
   * {@link #counts}.
   */
  public static int binOf(double v, double[] edges) {
    int last = edges.length - 1;
    if (!(v >= edges[0] && v <= edges[last])) {
      return -1;
    }
    if (v == edges[last]) {
      // np.histogram closes the last bin; with repeated top edges it is still the last bin
      return last - 1;
    }
    // Sturges edges are evenly spaced: guess the bin from the position, then step to the right
    // one (a step at most, for even edges; any sorted edges give the right answer, more slowly).
    int bins = last;
    int guess = (int) ((v - edges[0]) / (edges[last] - edges[0]) * bins);
    if (guess >= 0 && guess < bins) {
      while (guess > 0 && edges[guess] > v) {
        guess--;
      }
      while (guess < bins - 1 && edges[guess + 1] <= v) {
        guess++;
      }
      return guess;
    }
    // number of edges <= v, minus one
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  /**
   * {@code np.log2(n)}: exact for powers of two (where the Sturges bin count sits on an integer
   * boundary), correctly rounded to within an ulp otherwise.
   */
  static double log2(long n) {
    if (Long.bitCount(n) == 1) {
      return 63 - Long.numberOfLeadingZeros(n);
    }
    return Math.log(n) / Math.log(2.0);
  }

  /** Shares of {@code counts} over {@code total}: {@code counts / total} element-wise. */
  static double[] shares(long[] counts, long total) {
    double[] s = new double[counts.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = counts[i] / (double) total;
    }
    return s;
  }

  /** True when the edges are strictly increasing and finite. */
  static boolean valid(double[] edges) {
    if (edges == null || edges.length < 2) {
      return false;
    }
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
        return false;
      }
    }
    return true;
  }
}
