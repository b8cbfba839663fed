package io.driftwatch.stats.drift;

/**
 * Evidently's {@code get_binned_data}: the shares PSI, KL and Jensen–Shannon compare. A numerical
 * column whose reference has more than {@value #MAX_REFERENCE_UNIQUE_FOR_COUNTS} distinct values is
 * cut at NumPy's Sturges edges over reference ∪ current (so the edges depend on the current data
 * too); anything else is compared by value counts over the union of categories.
 */
final class EvidentlyBinning {

  /** Up to this many distinct reference values, numerical columns are compared by value counts. */
  static final int MAX_REFERENCE_UNIQUE_FOR_COUNTS = 20;

  private EvidentlyBinning() {}

  /** Reference shares in [0], current shares in [1]; zero-filled on request. */
  static double[][] shares(ColumnSample reference, ColumnSample current, boolean fillZeros) {
    double[] r;
    double[] c;
    if (reference.type() == ColumnType.NUMERICAL
        && reference.uniqueCount() > MAX_REFERENCE_UNIQUE_FOR_COUNTS) {
      double[] a = reference.sortedValues();
      double[] b = current.sortedValues();
      double min = Math.min(a[0], b[0]);
      double max = Math.max(a[a.length - 1], b[b.length - 1]);
      double[] edges = NumpyHistogram.sturgesEdges(min, max, (long) a.length + b.length);
      r = NumpyHistogram.shares(NumpyHistogram.counts(a, edges), a.length);
      c = NumpyHistogram.shares(NumpyHistogram.counts(b, edges), b.length);
    } else {
      CategoryCounts.Aligned aligned = CategoryCounts.align(reference.counts(), current.counts());
      r = aligned.referenceShares();
      c = aligned.currentShares();
    }
    if (fillZeros) {
      r = Divergences.fillZeros(r);
      c = Divergences.fillZeros(c);
    }
    return new double[][] {r, c};
  }
}
