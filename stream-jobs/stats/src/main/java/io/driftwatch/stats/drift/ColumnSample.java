package io.driftwatch.stats.drift;

import java.util.Arrays;

/**
 * One side (reference or current) of one column, missing values already dropped: Evidently drops
 * empty cells, NaN and ±∞ on each side before any drift method runs, and so do the factories here.
 * A numerical sample keeps its sorted values; a categorical one only its counts. Immutable.
 */
public final class ColumnSample {

  private final ColumnType type;
  private final double[] sorted;
  private final long missing;
  private volatile CategoryCounts counts;

  private ColumnSample(ColumnType type, double[] sorted, CategoryCounts counts, long missing) {
    this.type = type;
    this.sorted = sorted;
    this.counts = counts;
    this.missing = missing;
  }

  /** A numerical sample; NaN and ±∞ are counted as missing and dropped. */
  public static ColumnSample numerical(double[] raw) {
    double[] kept = new double[raw.length];
    int n = 0;
    for (double v : raw) {
      if (Double.isFinite(v)) {
        kept[n++] = v;
      }
    }
    double[] sorted = Arrays.copyOf(kept, n);
    Arrays.sort(sorted);
    return new ColumnSample(ColumnType.NUMERICAL, sorted, null, raw.length - (long) n);
  }

  /** A categorical sample of labels; null and empty strings are counted as missing and dropped. */
  public static ColumnSample categorical(String[] raw) {
    CategoryCounts c = CategoryCounts.ofStrings(raw);
    return new ColumnSample(ColumnType.CATEGORICAL, null, c, raw.length - c.total());
  }

  /**
   * A categorical sample of numbers (an integer column typed categorical); NaN and ±∞ are missing.
   */
  public static ColumnSample categorical(double[] raw) {
    CategoryCounts c = CategoryCounts.ofNumbers(raw);
    return new ColumnSample(ColumnType.CATEGORICAL, null, c, raw.length - c.total());
  }

  /**
   * A categorical sample from counts already taken.
   *
   * @param missing how many values were missing (not part of {@code counts}); ≥ 0
   */
  public static ColumnSample categorical(CategoryCounts counts, long missing) {
    if (missing < 0) {
      throw new IllegalArgumentException("missing: " + missing + " (expected: >= 0)");
    }
    return new ColumnSample(ColumnType.CATEGORICAL, null, counts, missing);
  }

  /** The column type. */
  public ColumnType type() {
    return type;
  }

  /** Number of non-missing values. */
  public long size() {
    return sorted != null ? sorted.length : counts.total();
  }

  /** Whether no non-missing value is left. */
  public boolean isEmpty() {
    return size() == 0;
  }

  /** Number of dropped missing values. */
  public long missing() {
    return missing;
  }

  /** Whether sorted raw values are available (numerical samples). */
  public boolean hasValues() {
    return sorted != null;
  }

  /**
   * A sorted copy of the values.
   *
   * @throws IllegalStateException for a categorical sample
   */
  public double[] values() {
    return sortedValues().clone();
  }

  double[] sortedValues() {
    if (sorted == null) {
      throw new IllegalStateException("column type: " + type + " (expected: NUMERICAL)");
    }
    return sorted;
  }

  /** Value counts; for a numerical sample the counts of distinct numbers. */
  public CategoryCounts counts() {
    CategoryCounts c = counts;
    if (c == null) {
      c = CategoryCounts.ofNumbers(sorted);
      counts = c;
    }
    return c;
  }

  /** Number of distinct non-missing values. */
  public long uniqueCount() {
    if (counts == null && sorted != null) {
      return distinctSorted(sorted);
    }
    return counts().size();
  }

  /**
   * Number of distinct values over both samples (Evidently's {@code n_unique} of ref ∪ cur).
   *
   * @throws IllegalArgumentException when one side is numerical and the other categorical
   */
  public static long unionUniqueCount(ColumnSample reference, ColumnSample current) {
    if (reference.sorted != null && current.sorted != null) {
      double[] all = new double[reference.sorted.length + current.sorted.length];
      System.arraycopy(reference.sorted, 0, all, 0, reference.sorted.length);
      System.arraycopy(current.sorted, 0, all, reference.sorted.length, current.sorted.length);
      Arrays.sort(all);
      return distinctSorted(all);
    }
    return CategoryCounts.align(reference.counts(), current.counts()).keys().length;
  }

  private static long distinctSorted(double[] s) {
    long n = 0;
    for (int i = 0; i < s.length; i++) {
      // -0.0 and 0.0 are one value, as in pandas
      if (i == 0 || s[i] != s[i - 1]) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "ColumnSample[" + type + ", n=" + size() + ", missing=" + missing + "]";
  }
}
