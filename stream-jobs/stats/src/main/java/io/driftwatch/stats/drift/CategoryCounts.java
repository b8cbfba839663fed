package io.driftwatch.stats.drift;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Value counts of one column: the input of every count-based drift method. Keys are strings;
 * numerical columns use the canonical text of each value ({@link #numberKey}) and order their keys
 * numerically, string columns order theirs by Unicode code point (Python's {@code sorted}), which
 * decides the category the z-test codes as 0. Immutable.
 */
public final class CategoryCounts {

  private static final Comparator<String> BY_CODE_POINT = CategoryCounts::compareCodePoints;
  private static final Comparator<String> BY_NUMBER =
      Comparator.comparingDouble(Double::parseDouble);

  private final String[] keys;
  private final long[] counts;
  private final boolean numericKeys;
  private final long total;

  private CategoryCounts(String[] keys, long[] counts, boolean numericKeys) {
    this.keys = keys;
    this.counts = counts;
    this.numericKeys = numericKeys;
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    this.total = t;
  }

  /** Counts of string values; null and empty strings are missing and left out. */
  public static CategoryCounts ofStrings(String[] values) {
    Map<String, Long> m = new HashMap<>();
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        m.merge(v, 1L, Long::sum);
      }
    }
    return of(m, false);
  }

  /** Counts of numbers; NaN and ±∞ are missing and left out, −0.0 counts as 0.0. */
  public static CategoryCounts ofNumbers(double[] values) {
    Map<String, Long> m = new HashMap<>();
    for (double v : values) {
      if (Double.isFinite(v)) {
        m.merge(numberKey(v), 1L, Long::sum);
      }
    }
    return of(m, true);
  }

  /**
   * Counts from a map (keys with a count of 0 are dropped).
   *
   * @param numericKeys whether the keys are {@link #numberKey} texts of numbers
   * @throws IllegalArgumentException for a negative count, or a key that is not a number when
   *     {@code numericKeys}
   */
  public static CategoryCounts of(Map<String, Long> counts, boolean numericKeys) {
    TreeMap<String, Long> sorted = new TreeMap<>(numericKeys ? BY_NUMBER : BY_CODE_POINT);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      long c = e.getValue();
      if (c < 0) {
        throw new IllegalArgumentException(
            "count of " + e.getKey() + ": " + c + " (expected: >= 0)");
      }
      if (numericKeys) {
        try {
          Double.parseDouble(e.getKey());
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException(
              "numeric key: " + e.getKey() + " (expected: a number)");
        }
      }
      if (c > 0) {
        sorted.merge(e.getKey(), c, Long::sum);
      }
    }
    String[] k = sorted.keySet().toArray(new String[0]);
    long[] c = new long[k.length];
    for (int i = 0; i < k.length; i++) {
      c[i] = sorted.get(k[i]);
    }
    return new CategoryCounts(k, c, numericKeys);
  }

  /** The canonical key of a number: {@link Double#toString} with −0.0 folded into 0.0. */
  public static String numberKey(double v) {
    return Double.toString(v == 0.0 ? 0.0 : v);
  }

  /** Number of distinct categories. */
  public int size() {
    return keys.length;
  }

  /** The i-th category in sort order. */
  public String key(int i) {
    return keys[i];
  }

  /** The count of the i-th category in sort order. */
  public long count(int i) {
    return counts[i];
  }

  /** The count of {@code key}, 0 when absent. */
  public long countOf(String key) {
    int i = Arrays.binarySearch(keys, key, comparator());
    return i >= 0 ? counts[i] : 0;
  }

  /** Sum of all counts (the non-missing values). */
  public long total() {
    return total;
  }

  /** Whether keys are numbers (ordered numerically) rather than labels. */
  public boolean numericKeys() {
    return numericKeys;
  }

  /** Categories as a map in sort order. */
  public Map<String, Long> asMap() {
    Map<String, Long> m = new TreeMap<>(comparator());
    for (int i = 0; i < keys.length; i++) {
      m.put(keys[i], counts[i]);
    }
    return m;
  }

  Comparator<String> comparator() {
    return numericKeys ? BY_NUMBER : BY_CODE_POINT;
  }

  /**
   * Reference and current counts over the sorted union of their categories.
   *
   * @throws IllegalArgumentException when one side has numeric keys and the other has labels
   */
  public static Aligned align(CategoryCounts reference, CategoryCounts current) {
    if (reference.numericKeys != current.numericKeys
        && reference.size() > 0
        && current.size() > 0) {
      throw new IllegalArgumentException(
          "category keys: numeric="
              + reference.numericKeys
              + " vs numeric="
              + current.numericKeys
              + " (expected: the same column type on both sides)");
    }
    boolean numeric = reference.size() > 0 ? reference.numericKeys : current.numericKeys;
    TreeMap<String, long[]> union = new TreeMap<>(numeric ? BY_NUMBER : BY_CODE_POINT);
    for (int i = 0; i < reference.keys.length; i++) {
      union.computeIfAbsent(reference.keys[i], k -> new long[2])[0] += reference.counts[i];
    }
    for (int i = 0; i < current.keys.length; i++) {
      union.computeIfAbsent(current.keys[i], k -> new long[2])[1] += current.counts[i];
    }
    String[] k = new String[union.size()];
    long[] r = new long[k.length];
    long[] c = new long[k.length];
    int i = 0;
    for (Map.Entry<String, long[]> e : union.entrySet()) {
      k[i] = e.getKey();
      r[i] = e.getValue()[0];
      c[i] = e.getValue()[1];
      i++;
    }
    return new Aligned(k, r, c, reference.total, current.total);
  }

  /**
   * Two count vectors over the same sorted categories.
   *
   * @param keys the union of categories, sorted
   * @param reference reference counts per key (0 where absent)
   * @param current current counts per key (0 where absent)
   * @param referenceTotal sum of {@code reference}
   * @param currentTotal sum of {@code current}
   */
  public record Aligned(
      String[] keys, long[] reference, long[] current, long referenceTotal, long currentTotal) {

    /** Reference shares: count / total. */
    public double[] referenceShares() {
      return NumpyHistogram.shares(reference, referenceTotal);
    }

    /** Current shares: count / total. */
    public double[] currentShares() {
      return NumpyHistogram.shares(current, currentTotal);
    }
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CategoryCounts other
        && numericKeys == other.numericKeys
        && Arrays.equals(keys, other.keys)
        && Arrays.equals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keys) + Arrays.hashCode(counts) + (numericKeys ? 1 : 0);
  }

  @Override
  public String toString() {
    return "CategoryCounts" + asMap();
  }
}
