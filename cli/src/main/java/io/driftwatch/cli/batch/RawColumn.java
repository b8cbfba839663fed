package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.CategoryCounts;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One column of a data file held in memory for exact mode, typed while it is read ({@link
 * TypeTally}): numbers and booleans in a primitive {@code double[]} (missing cells are counted, not
 * stored), and, once a text cell shows up, category counts instead ({@link LabelCounter}), the
 * numbers read so far turned into their labels. Not thread-safe.
 */
final class RawColumn {
  final String name;
  final int index;
  final TypeTally tally = new TypeTally();
  private double[] values = new double[1024];
  private int size;
  private boolean storedBools;
  private LabelCounter labels;

  RawColumn(String name, int index) {
    this.name = name;
    this.index = index;
  }

  /** Reads this column's cell of the reader's current record. */
  void add(TableReader reader, CellParser cell) {
    int s = reader.start(index);
    int kind = s < 0 ? CellParser.MISSING : cell.parse(reader.buffer(), s, reader.end(index));
    tally.accept(kind, cell, reader, index);
    if (kind == CellParser.MISSING) {
      return;
    }
    if (labels == null) {
      if (!tally.isText()) {
        if (size == 0) {
          storedBools = kind == CellParser.BOOLEAN;
        }
        if (size == values.length) {
          values = Arrays.copyOf(values, size + (size >> 1));
        }
        values[size++] = cell.value;
        return;
      }
      switchToLabels();
    }
    if (kind == CellParser.TEXT) {
      labels.add(reader.buffer(), cell.from, cell.to);
    } else {
      labels.add(CellParser.label(kind, cell.value, null), 1);
    }
  }

  /** Non-missing cells read. */
  long size() {
    return labels != null ? labels.total() : size;
  }

  /** Missing cells read. */
  long missing() {
    return tally.missing;
  }

  /**
   * The numbers (booleans as 1/0), in file order; hands the array over, so call once.
   *
   * @throws IllegalStateException when the column holds text
   */
  double[] takeNumbers() {
    if (labels != null) {
      throw new IllegalStateException("column " + name + " holds text");
    }
    double[] v = size == values.length ? values : Arrays.copyOf(values, size);
    values = null;
    return v;
  }

  /** Counts of the numbers as categories keyed by number (NaN and ±∞ are left out). */
  CategoryCounts numberCounts() {
    if (labels != null) {
      throw new IllegalStateException("column " + name + " holds text");
    }
    return countNumbers(values, size);
  }

  /** Counts of the cells as labels ({@link CellParser#label}). */
  CategoryCounts labelCounts() {
    if (labels == null) {
      switchToLabels();
    }
    return labels.counts();
  }

  private void switchToLabels() {
    labels = new LabelCounter();
    CategoryCounts numbers = countNumbers(values, size);
    for (int i = 0; i < numbers.size(); i++) {
      double v = Double.parseDouble(numbers.key(i));
      String label = storedBools ? (v != 0 ? "True" : "False") : CategoryCounts.numberKey(v);
      labels.add(label, numbers.count(i));
    }
    // ±∞ are labels too in a text column (pandas keeps them as strings)
    for (int i = 0; i < size; i++) {
      if (Double.isInfinite(values[i])) {
        labels.add(CategoryCounts.numberKey(values[i]), 1);
      }
    }
    values = null;
    size = 0;
  }

  /** Counts of distinct finite values, −0.0 folded into 0.0; linear for few distinct values. */
  static CategoryCounts countNumbers(double[] v, int n) {
    int cap = 64;
    double[] keys = new double[cap];
    long[] counts = new long[cap];
    int k = 0;
    for (int i = 0; i < n; i++) {
      double x = v[i];
      if (!Double.isFinite(x)) {
        continue;
      }
      if (x == 0.0) {
        x = 0.0;
      }
      int j = 0;
      while (j < k && keys[j] != x) {
        j++;
      }
      if (j < k) {
        counts[j]++;
      } else if (k < cap) {
        keys[k] = x;
        counts[k++] = 1;
      } else {
        return countSorted(v, n);
      }
    }
    Map<String, Long> m = new HashMap<>();
    for (int j = 0; j < k; j++) {
      m.put(CategoryCounts.numberKey(keys[j]), counts[j]);
    }
    return CategoryCounts.of(m, true);
  }

  private static CategoryCounts countSorted(double[] v, int n) {
    double[] s = Arrays.copyOf(v, n);
    Arrays.sort(s);
    Map<String, Long> m = new HashMap<>();
    int i = 0;
    while (i < n) {
      double x = s[i];
      int j = i + 1;
      while (j < n && s[j] == x) {
        j++;
      }
      if (Double.isFinite(x)) {
        m.merge(CategoryCounts.numberKey(x), (long) (j - i), Long::sum);
      }
      i = j;
    }
    return CategoryCounts.of(m, true);
  }
}
