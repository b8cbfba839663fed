package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.NumpyHistogram;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Reference and current counts of one column over the same bins, for the HTML report. Numerical:
 * equal bins over the bulk of the reference (exact mode) or the profile's Sturges bins (sketch
 * mode), with an underflow and an overflow bin, so counts have {@code edges.length + 1} entries.
 * Categorical: the most frequent categories over both sides (in numeric order when every category
 * is a number and all are shown), the rest summed into a last bin when {@code otherCategories > 0}.
 *
 * @param edges bin edges (numerical), else null
 * @param categories category labels (categorical), else null
 * @param reference reference counts per bin
 * @param current current counts per bin
 * @param otherCategories how many categories the last bin sums (0: no such bin)
 */
record Histogram(
    double[] edges, String[] categories, long[] reference, long[] current, int otherCategories) {

  /** Categories shown before the rest is summed. */
  static final int TOP_CATEGORIES = 12;

  private static final int MIN_BINS = 8;
  private static final int MAX_BINS = 40;

  /** Whether this is a numerical histogram. */
  boolean numerical() {
    return edges != null;
  }

  /**
   * A numerical histogram of two ascending samples (±∞ at the ends are left out) for display: equal
   * bins (as many as Sturges' rule gives, 8 to 40) over the middle 99% of the reference, so that a
   * few outliers do not squeeze the picture into one bar; what lies outside goes to the underflow
   * and overflow bins.
   */
  static Histogram ofSorted(double[] reference, double[] current) {
    int[] r = finiteRange(reference);
    int n = r[1] - r[0];
    if (n == 0) {
      return null;
    }
    double lo = reference[r[0] + (int) (0.005 * (n - 1))];
    double hi = reference[r[0] + (int) Math.ceil(0.995 * (n - 1))];
    if (!(hi > lo)) {
      lo = reference[r[0]];
      hi = reference[r[1] - 1];
    }
    int bins = NumpyHistogram.sturgesEdges(lo, hi, n).length - 1;
    bins = Math.max(MIN_BINS, Math.min(MAX_BINS, bins));
    double[] edges = NumpyHistogram.equalWidthEdges(lo, hi, lo == hi ? 1 : bins);
    return new Histogram(edges, null, binned(reference, edges), binned(current, edges), 0);
  }

  /** A numerical histogram from a profile's bin layout (underflow, bins, overflow). */
  static Histogram ofBins(double[] edges, long[] reference, long[] current) {
    return edges == null || reference == null || current == null
        ? null
        : new Histogram(edges, null, reference, current, 0);
  }

  /** A categorical histogram: the top categories by combined share, the rest summed. */
  static Histogram ofCounts(CategoryCounts reference, CategoryCounts current) {
    CategoryCounts.Aligned a = CategoryCounts.align(reference, current);
    int n = a.keys().length;
    double rt = Math.max(1, a.referenceTotal());
    double ct = Math.max(1, a.currentTotal());
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        Comparator.comparingDouble((Integer i) -> -(a.reference()[i] / rt + a.current()[i] / ct))
            .thenComparing(i -> i));
    int shown = n <= TOP_CATEGORIES + 1 ? n : TOP_CATEGORIES;
    if (shown == n && reference.numericKeys() && current.numericKeys()) {
      // every category shown and each a number: keep the numeric order of the aligned keys
      Arrays.sort(order);
    }
    int bins = shown + (shown < n ? 1 : 0);
    String[] labels = new String[bins];
    long[] ref = new long[bins];
    long[] cur = new long[bins];
    for (int k = 0; k < n; k++) {
      int i = order[k];
      int bin = Math.min(k, shown);
      if (k < shown) {
        labels[bin] = a.keys()[i];
      }
      ref[bin] += a.reference()[i];
      cur[bin] += a.current()[i];
    }
    if (shown < n) {
      labels[shown] = "other";
    }
    return new Histogram(null, labels, ref, cur, n - shown);
  }

  private static int[] finiteRange(double[] sorted) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi && !Double.isFinite(sorted[lo])) {
      lo++;
    }
    while (hi > lo && !Double.isFinite(sorted[hi - 1])) {
      hi--;
    }
    return new int[] {lo, hi};
  }

  /** Counts of an ascending sample in [underflow, bins ([a, b), the last closed), overflow]. */
  private static long[] binned(double[] sorted, double[] edges) {
    int[] r = finiteRange(sorted);
    int b = edges.length - 1;
    long[] counts = new long[b + 2];
    int[] below = new int[edges.length];
    for (int i = 0; i < edges.length; i++) {
      below[i] = lowerBound(sorted, r[0], r[1], edges[i]);
    }
    int atMostLast = upperBound(sorted, r[0], r[1], edges[b]);
    counts[0] = below[0] - r[0];
    for (int i = 0; i < b - 1; i++) {
      counts[i + 1] = below[i + 1] - below[i];
    }
    counts[b] = atMostLast - below[b - 1];
    counts[b + 1] = r[1] - atMostLast;
    return counts;
  }

  private static int lowerBound(double[] a, int lo, int hi, double x) {
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int upperBound(double[] a, int lo, int hi, double x) {
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
