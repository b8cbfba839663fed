package io.driftwatch.stats.profile;

import io.driftwatch.stats.Accumulator;
import io.driftwatch.stats.Codec;
import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.NumpyHistogram;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The mergeable summary of one feature: the unit of a {@link ReferenceProfile} and of each current
 * window the streaming job compares against it.
 *
 * <p>Every profile counts values and missing values. A <b>numerical</b> profile also keeps min,
 * max, mean and variance (Chan's parallel formulas), a KLL quantile sketch, the exact counts of its
 * distinct values while there are at most {@value #MAX_TRACKED_DISTINCT} of them (Evidently
 * switches between value counts and bins on the number of distinct values), and, when bin edges
 * were fixed at creation, exact counts per bin plus an underflow and an overflow bin. A
 * <b>categorical</b> profile keeps a DataSketches frequent-items sketch of its labels.
 *
 * <p>Accuracy and cost knobs:
 *
 * <ul>
 *   <li>{@code kllK} (default {@value #DEFAULT_KLL_K}): the KLL normalized rank error at 99%
 *       confidence is about 2.296/k^0.9723 for ranks and CDFs (1.33% at k = 200) and 2.446/k^0.9433
 *       for PMF bins (1.65%); the sketch is exact while it has not compacted (n below about k).
 *       Size grows with k (a few KB at k = 200).
 *   <li>{@code maxMapSize} (default {@value #DEFAULT_MAX_MAP_SIZE}, a power of 2): the
 *       frequent-items sketch counts every category exactly while there are at most 0.75 ×
 *       maxMapSize (768) of them; beyond that each count is off by at most {@link
 *       #categoryCountError()} (the sketch's maximum error, about 3.5·n/maxMapSize).
 * </ul>
 *
 * <p>{@link #add} never throws for data: NaN, ±∞, null and empty strings count as missing; a value
 * of the wrong kind (a label in a numerical profile) counts as rejected. {@link #merge} is
 * associative and commutative: counts, min/max, distinct values, bin counts and (below capacity)
 * category counts exactly; mean and variance up to rounding; the KLL sketch within its stated rank
 * error. Not thread-safe.
 */
public final class FeatureProfile implements Accumulator<Object, FeatureProfile, FeatureProfile> {

  /** Default KLL k: the DataSketches default, 1.33% rank error at 99% confidence. */
  public static final int DEFAULT_KLL_K = 200;

  /** Default frequent-items map size: exact counts up to 768 distinct categories. */
  public static final int DEFAULT_MAX_MAP_SIZE = 1024;

  /** Distinct numerical values counted exactly up to this many. */
  public static final int MAX_TRACKED_DISTINCT = 64;

  /** The versioned codec (first byte = format version). */
  public static final Codec<FeatureProfile> CODEC = new FeatureProfileCodec();

  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final ColumnType type;
  private final int kllK;
  private final int maxMapSize;
  private final boolean numericKeys;
  private final double[] binEdges;

  private long count;
  private long missing;
  private long rejected;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double m2;
  private KllDoublesSketch sketch;
  // Numbers on their way into the KLL sketch: added a block at a time, a column's updates touch
  // its sketch's memory once per block instead of once per row (a profile of many columns adds one
  // value to each in turn). Read the sketch through sketch(), which flushes them.
  private static final int PENDING = 256;
  private double[] pending;
  private int pendingCount;
  private long[] binCounts;
  private TreeMap<Double, Long> distinct;
  private ItemsSketch<String> items;
  // numberKey's cache: not state
  private static final int KEY_CACHE_BITS = 6;
  private static final int KEY_CACHE_SIZE = 1 << KEY_CACHE_BITS;
  private long[] keyBits;
  private String[] keyStrings;

  private FeatureProfile(
      ColumnType type, int kllK, int maxMapSize, boolean numericKeys, double[] binEdges) {
    this.type = type;
    this.kllK = kllK;
    this.maxMapSize = maxMapSize;
    this.numericKeys = numericKeys;
    this.binEdges = binEdges;
    if (type == ColumnType.NUMERICAL) {
      sketch = KllDoublesSketch.newHeapInstance(kllK);
      pending = new double[PENDING];
      distinct = new TreeMap<>();
      binCounts = binEdges == null ? null : new long[binEdges.length + 1];
    } else {
      items = new ItemsSketch<>(maxMapSize);
    }
  }

  /** An empty numerical profile with the default k and no bin edges. */
  public static FeatureProfile numerical() {
    return numerical(DEFAULT_KLL_K, null);
  }

  /**
   * An empty numerical profile.
   *
   * @param kllK KLL accuracy knob, 8..65535 (rank error ≈ 2.296/k^0.9723)
   * @param binEdges fixed, strictly increasing, finite bin edges (at least 2), or null for none
   * @throws IllegalArgumentException for an invalid k or edges
   */
  public static FeatureProfile numerical(int kllK, double[] binEdges) {
    if (kllK < 8 || kllK > 65535) {
      throw new IllegalArgumentException("kllK: " + kllK + " (expected: 8..65535)");
    }
    if (binEdges != null) {
      for (int i = 0; i < binEdges.length; i++) {
        if (!Double.isFinite(binEdges[i]) || (i > 0 && !(binEdges[i] > binEdges[i - 1]))) {
          throw new IllegalArgumentException(
              "binEdges: "
                  + Arrays.toString(binEdges)
                  + " (expected: finite and strictly increasing)");
        }
      }
      if (binEdges.length < 2) {
        throw new IllegalArgumentException(
            "binEdges: " + Arrays.toString(binEdges) + " (expected: at least 2 edges)");
      }
    }
    return new FeatureProfile(
        ColumnType.NUMERICAL, kllK, 0, false, binEdges == null ? null : binEdges.clone());
  }

  /** An empty categorical profile of labels with the default map size. */
  public static FeatureProfile categorical() {
    return categorical(DEFAULT_MAX_MAP_SIZE, false);
  }

  /**
   * An empty categorical profile.
   *
   * @param maxMapSize frequent-items map size, a power of 2 ≥ 8; exact up to 0.75 × maxMapSize
   *     categories
   * @param numericKeys whether categories are numbers (an integer column typed categorical): keys
   *     are then {@link CategoryCounts#numberKey} texts ordered numerically
   */
  public static FeatureProfile categorical(int maxMapSize, boolean numericKeys) {
    if (maxMapSize < 8 || Integer.bitCount(maxMapSize) != 1) {
      throw new IllegalArgumentException(
          "maxMapSize: " + maxMapSize + " (expected: a power of 2, >= 8)");
    }
    return new FeatureProfile(ColumnType.CATEGORICAL, 0, maxMapSize, numericKeys, null);
  }

  /** An empty profile with this one's type, knobs and bin edges: a new window to compare. */
  public FeatureProfile emptyCopy() {
    return new FeatureProfile(type, kllK, maxMapSize, numericKeys, binEdges);
  }

  /**
   * Adds one value: a {@link Number} (in a profile of labels it becomes the label {@link
   * CategoryCounts#numberKey}), a {@link Boolean} (1/0 in numerical profiles, "True"/"False" labels
   * otherwise), a {@link CharSequence} (a label; parsed as a number in numerical profiles and in
   * profiles with numeric keys, rejected when it does not parse) or null (missing). Any other type
   * is rejected. Never throws.
   */
  @Override
  public void add(Object value) {
    if (value == null) {
      missing++;
    } else if (value instanceof Number n) {
      addNumber(n.doubleValue());
    } else if (value instanceof Boolean b) {
      if (type == ColumnType.NUMERICAL) {
        addNumber(b ? 1.0 : 0.0);
      } else {
        addLabel(b ? "True" : "False");
      }
    } else if (value instanceof CharSequence s) {
      if (type == ColumnType.NUMERICAL) {
        addText(s.toString());
      } else {
        addLabel(s.toString());
      }
    } else {
      rejected++;
    }
  }

  private void addText(String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      missing++;
      return;
    }
    Double v = tryParse(t);
    if (v == null) {
      rejected++;
    } else {
      addNumber(v);
    }
  }

  /**
   * Adds one number, as {@link #add} does a {@link Number} but without boxing it: NaN and ±∞ are
   * missing; in a profile of labels the number becomes the label {@link CategoryCounts#numberKey}.
   */
  public void addNumber(double v) {
    if (!Double.isFinite(v)) {
      missing++;
      return;
    }
    if (type == ColumnType.CATEGORICAL) {
      if (!numericKeys) {
        // a number among labels: keep it as its text, like pandas' object columns do
        addLabel(numberKey(v));
        return;
      }
      count++;
      items.update(numberKey(v));
      return;
    }
    count++;
    min = Math.min(min, v);
    max = Math.max(max, v);
    double delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    pending[pendingCount++] = v;
    if (pendingCount == PENDING) {
      flushPending();
    }
    if (distinct != null) {
      distinct.merge(v == 0.0 ? 0.0 : v, 1L, Long::sum);
      if (distinct.size() > MAX_TRACKED_DISTINCT) {
        distinct = null;
      }
    }
    if (binCounts != null) {
      binCounts[binIndex(v)]++;
    }
  }

  /**
   * The KLL sketch with every number added so far. Synchronized because encoding flushes the
   * pending numbers and two threads may encode one profile at once: Flink's heap state backend
   * encodes a state object in its snapshot thread while the task thread may encode the same object
   * to copy it. Unsynchronized, both flushed the same numbers into the sketch, which then held them
   * twice or failed DataSketches' own consistency check on its next merge.
   */
  private synchronized KllDoublesSketch sketch() {
    if (pendingCount > 0) {
      flushPending();
    }
    return sketch;
  }

  private void flushPending() {
    sketch.update(pending, 0, pendingCount);
    pendingCount = 0;
  }

  /**
   * {@link CategoryCounts#numberKey}, remembered for the last numbers seen: categorical numbers
   * repeat, and formatting a double costs more than the rest of an update. Not part of the
   * profile's state (never serialized, merged or compared).
   */
  private String numberKey(double v) {
    long bits = Double.doubleToLongBits(v == 0.0 ? 0.0 : v);
    if (keyBits == null) {
      keyBits = new long[KEY_CACHE_SIZE];
      keyStrings = new String[KEY_CACHE_SIZE];
    }
    // Fibonacci hashing: small integers differ only in their top bits
    int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> (64 - KEY_CACHE_BITS));
    String key = keyStrings[slot];
    if (key == null || keyBits[slot] != bits) {
      key = CategoryCounts.numberKey(v);
      keyBits[slot] = bits;
      keyStrings[slot] = key;
    }
    return key;
  }

  private static Double tryParse(String t) {
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void addLabel(String s) {
    if (s == null || s.isEmpty()) {
      missing++;
      return;
    }
    if (numericKeys) {
      Double v = tryParse(s.trim());
      if (v == null) {
        rejected++;
      } else if (!Double.isFinite(v)) {
        missing++;
      } else {
        count++;
        items.update(numberKey(v));
      }
      return;
    }
    count++;
    items.update(s);
  }

  /** Bin index in {@link #binCounts()}: 0 underflow, 1..B the bins, B+1 overflow. */
  private int binIndex(double v) {
    if (v < binEdges[0]) {
      return 0;
    }
    if (v > binEdges[binEdges.length - 1]) {
      return binEdges.length;
    }
    return NumpyHistogram.binOf(v, binEdges) + 1;
  }

  /**
   * Adds everything {@code other} has seen.
   *
   * @throws IllegalArgumentException when the two profiles differ in type, knobs or bin edges
   */
  @Override
  public void merge(FeatureProfile other) {
    if (type != other.type
        || kllK != other.kllK
        || maxMapSize != other.maxMapSize
        || numericKeys != other.numericKeys
        || !Arrays.equals(binEdges, other.binEdges)) {
      throw new IllegalArgumentException(
          "profile to merge: " + other.describe() + " (expected: " + describe() + ")");
    }
    if (other.count > 0 && type == ColumnType.NUMERICAL) {
      long n = count + other.count;
      double delta = other.mean - mean;
      double newMean = count == 0 ? other.mean : mean + delta * ((double) other.count / n);
      m2 = m2 + other.m2 + delta * delta * ((double) count * other.count / n);
      mean = newMean;
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
      sketch().merge(other.sketch());
      if (distinct != null && other.distinct != null) {
        other.distinct.forEach((k, c) -> distinct.merge(k, c, Long::sum));
        if (distinct.size() > MAX_TRACKED_DISTINCT) {
          distinct = null;
        }
      } else {
        distinct = null;
      }
      if (binCounts != null) {
        for (int i = 0; i < binCounts.length; i++) {
          binCounts[i] += other.binCounts[i];
        }
      }
    } else if (other.count > 0) {
      items.merge(other.items);
    }
    count += other.count;
    missing += other.missing;
    rejected += other.rejected;
  }

  /** A snapshot copy; this profile is unchanged. */
  @Override
  public FeatureProfile result() {
    return CODEC.decode(CODEC.encode(this));
  }

  private String describe() {
    return type
        + (type == ColumnType.NUMERICAL
            ? " k=" + kllK + " edges=" + Arrays.toString(binEdges)
            : " maxMapSize=" + maxMapSize + " numericKeys=" + numericKeys);
  }

  /** The column type. */
  public ColumnType type() {
    return type;
  }

  /** Non-missing values added. */
  public long count() {
    return count;
  }

  /** Missing values (null, empty, NaN, ±∞). */
  public long missing() {
    return missing;
  }

  /** Values of the wrong kind (e.g. unparseable text in a numerical profile). */
  public long rejected() {
    return rejected;
  }

  /** Smallest value; NaN when empty or categorical. */
  public double min() {
    return count > 0 && type == ColumnType.NUMERICAL ? min : Double.NaN;
  }

  /** Largest value; NaN when empty or categorical. */
  public double max() {
    return count > 0 && type == ColumnType.NUMERICAL ? max : Double.NaN;
  }

  /** Mean; NaN when empty or categorical. */
  public double mean() {
    return count > 0 && type == ColumnType.NUMERICAL ? mean : Double.NaN;
  }

  /** Population standard deviation (ddof = 0); NaN when empty or categorical. */
  public double populationStd() {
    return count > 0 && type == ColumnType.NUMERICAL ? Math.sqrt(m2 / count) : Double.NaN;
  }

  /** KLL k (0 for categorical profiles). */
  public int kllK() {
    return kllK;
  }

  /** Frequent-items map size (0 for numerical profiles). */
  public int maxMapSize() {
    return maxMapSize;
  }

  /** Whether categorical keys are numbers. */
  public boolean numericKeys() {
    return numericKeys;
  }

  /** A copy of the fixed bin edges, or null. */
  public double[] binEdges() {
    return binEdges == null ? null : binEdges.clone();
  }

  /**
   * Exact counts per bin: index 0 counts values below the first edge, 1..B the B bins ([a, b), the
   * last closed), B+1 values above the last edge. Null when the profile has no bin edges.
   */
  public long[] binCounts() {
    return binCounts == null ? null : binCounts.clone();
  }

  /**
   * The KLL sketch's normalized rank error for CDF queries at 99% confidence: 0 while the sketch is
   * exact (has not compacted), else about 2.296/k^0.9723.
   */
  public double rankError() {
    return sketch != null && sketch().isEstimationMode()
        ? sketch.getNormalizedRankError(false)
        : 0.0;
  }

  /** As {@link #rankError()} for PMF (per-bin) queries: about 2.446/k^0.9433. */
  public double pmfError() {
    return sketch != null && sketch().isEstimationMode()
        ? sketch.getNormalizedRankError(true)
        : 0.0;
  }

  /**
   * The q-quantile from the KLL sketch (within {@link #rankError()} in rank).
   *
   * @throws IllegalStateException for a categorical profile; returns NaN when empty
   */
  public double quantile(double q) {
    requireNumerical();
    return sketch().isEmpty() ? Double.NaN : sketch.getQuantile(q);
  }

  /** The normalized rank of {@code x} (share of values ≤ x), within {@link #rankError()}. */
  public double rank(double x) {
    requireNumerical();
    return sketch().isEmpty() ? Double.NaN : sketch.getRank(x);
  }

  /**
   * Shares of [−∞, s0), [s0, s1), …, [s_last, +∞) estimated from the KLL sketch, each within {@link
   * #pmfError()}.
   */
  double[] sketchPmf(double[] splitPoints) {
    requireNumerical();
    return sketch().getPMF(splitPoints, QuantileSearchCriteria.EXCLUSIVE);
  }

  /** Sorted distinct retained values and their cumulative (inclusive) weights. */
  double[][] sortedView() {
    requireNumerical();
    if (sketch().isEmpty()) {
      return new double[][] {new double[0], new double[0]};
    }
    var view = sketch.getSortedView();
    double[] q = view.getQuantiles();
    long[] w = view.getCumulativeWeights();
    double[] cw = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      cw[i] = w[i];
    }
    return new double[][] {q, cw};
  }

  /** Exact distinct values and their cumulative (inclusive) counts, or null when not tracked. */
  double[][] distinctView() {
    if (distinct == null || type != ColumnType.NUMERICAL) {
      return null;
    }
    double[] q = new double[distinct.size()];
    double[] cw = new double[q.length];
    int i = 0;
    double acc = 0;
    for (Map.Entry<Double, Long> e : distinct.entrySet()) {
      q[i] = e.getKey();
      acc += e.getValue();
      cw[i++] = acc;
    }
    return new double[][] {q, cw};
  }

  /** Whether the numerical distinct values are still counted exactly. */
  public boolean distinctValuesExact() {
    return distinct != null;
  }

  /**
   * Exact counts of the distinct numerical values, or null once there were more than {@value
   * #MAX_TRACKED_DISTINCT}.
   */
  public CategoryCounts distinctValues() {
    if (distinct == null) {
      return null;
    }
    Map<String, Long> m = new HashMap<>();
    distinct.forEach((k, c) -> m.put(CategoryCounts.numberKey(k), c));
    return CategoryCounts.of(m, true);
  }

  /**
   * Category counts of a categorical profile: exact while {@link #categoryCountError()} is 0,
   * otherwise the frequent-items estimates of the categories still tracked.
   *
   * @throws IllegalStateException for a numerical profile
   */
  public CategoryCounts categoryCounts() {
    if (type != ColumnType.CATEGORICAL) {
      throw new IllegalStateException("column type: " + type + " (expected: CATEGORICAL)");
    }
    Map<String, Long> m = new HashMap<>();
    if (!items.isEmpty()) {
      for (ItemsSketch.Row<String> row : items.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
        m.put(row.getItem(), row.getEstimate());
      }
    }
    return CategoryCounts.of(m, numericKeys);
  }

  /** Largest possible error of any category count; 0 while counts are exact. */
  public long categoryCountError() {
    return items == null ? 0 : items.getMaximumError();
  }

  /**
   * Number of distinct values: exact for numerical profiles up to {@value #MAX_TRACKED_DISTINCT}
   * (else {@code MAX_TRACKED_DISTINCT + 1}, meaning "more"), and for categorical ones the
   * categories tracked (exact while {@link #categoryCountError()} is 0).
   */
  public long uniqueCount() {
    if (type == ColumnType.NUMERICAL) {
      return distinct == null ? MAX_TRACKED_DISTINCT + 1 : distinct.size();
    }
    return items.getNumActiveItems();
  }

  private void requireNumerical() {
    if (type != ColumnType.NUMERICAL) {
      throw new IllegalStateException("column type: " + type + " (expected: NUMERICAL)");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureProfile p && Arrays.equals(CODEC.encode(this), CODEC.encode(p));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(CODEC.encode(this));
  }

  @Override
  public String toString() {
    return "FeatureProfile[" + describe() + ", count=" + count + ", missing=" + missing + "]";
  }

  /**
   * Version 1: version byte, type, flags, knobs, counters, moments, bin edges and counts, distinct
   * values, then the KLL sketch or the frequent-items sketch in their own serialized forms.
   */
  private static final class FeatureProfileCodec implements Codec<FeatureProfile> {
    private static final byte V1 = 1;

    @Override
    public byte[] encode(FeatureProfile p) {
      byte[] sk =
          p.type == ColumnType.NUMERICAL ? p.sketch().toByteArray() : p.items.toByteArray(SERDE);
      int edges = p.binEdges == null ? -1 : p.binEdges.length;
      int dist = p.distinct == null ? -1 : p.distinct.size();
      int size =
          1
              + 1
              + 1
              + 4
              + 4
              + 8 * 3
              + 8 * 4
              + 4
              + Math.max(0, edges) * 16
              + 8
              + 4
              + Math.max(0, dist) * 16
              + 4
              + sk.length;
      ByteBuffer b = ByteBuffer.allocate(size);
      b.put(V1);
      b.put((byte) (p.type == ColumnType.NUMERICAL ? 0 : 1));
      b.put((byte) (p.numericKeys ? 1 : 0));
      b.putInt(p.kllK).putInt(p.maxMapSize);
      b.putLong(p.count).putLong(p.missing).putLong(p.rejected);
      b.putDouble(p.min).putDouble(p.max).putDouble(p.mean).putDouble(p.m2);
      b.putInt(edges);
      if (edges >= 0) {
        for (double e : p.binEdges) {
          b.putDouble(e);
        }
        for (long c : p.binCounts) {
          b.putLong(c);
        }
      } else {
        b.putLong(0);
      }
      b.putInt(dist);
      if (dist > 0) {
        for (Map.Entry<Double, Long> e : p.distinct.entrySet()) {
          b.putDouble(e.getKey()).putLong(e.getValue());
        }
      }
      b.putInt(sk.length).put(sk);
      return Arrays.copyOf(b.array(), b.position());
    }

    @Override
    public FeatureProfile decode(byte[] bytes) {
      if (bytes == null || bytes.length < 3) {
        throw new IllegalArgumentException(
            "feature profile: " + (bytes == null ? 0 : bytes.length) + " bytes (expected: >= 3)");
      }
      if (bytes[0] != V1) {
        throw new IllegalArgumentException(
            "feature profile: version " + bytes[0] + " (expected: 1)");
      }
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        byte t = b.get();
        if (t != 0 && t != 1) {
          throw new IllegalArgumentException("feature profile: type " + t + " (expected: 0 or 1)");
        }
        ColumnType type = t == 0 ? ColumnType.NUMERICAL : ColumnType.CATEGORICAL;
        boolean numericKeys = b.get() == 1;
        int k = b.getInt();
        int mapSize = b.getInt();
        long count = b.getLong();
        long missing = b.getLong();
        long rejected = b.getLong();
        double min = b.getDouble();
        double max = b.getDouble();
        double mean = b.getDouble();
        double m2 = b.getDouble();
        int edges = b.getInt();
        double[] binEdges = null;
        long[] binCounts = null;
        if (edges >= 0) {
          binEdges = new double[edges];
          for (int i = 0; i < edges; i++) {
            binEdges[i] = b.getDouble();
          }
          binCounts = new long[edges + 1];
          for (int i = 0; i < binCounts.length; i++) {
            binCounts[i] = b.getLong();
          }
        } else {
          b.getLong();
        }
        FeatureProfile p =
            type == ColumnType.NUMERICAL
                ? numerical(k, binEdges)
                : categorical(mapSize, numericKeys);
        p.count = count;
        p.missing = missing;
        p.rejected = rejected;
        p.min = min;
        p.max = max;
        p.mean = mean;
        p.m2 = m2;
        if (binCounts != null) {
          p.binCounts = binCounts;
        }
        int dist = b.getInt();
        if (dist < 0) {
          p.distinct = null;
        } else if (type == ColumnType.NUMERICAL) {
          for (int i = 0; i < dist; i++) {
            p.distinct.put(b.getDouble(), b.getLong());
          }
        }
        int skLen = b.getInt();
        if (skLen < 0 || skLen != b.remaining()) {
          throw new IllegalArgumentException(
              "feature profile: sketch of " + skLen + " bytes (expected: " + b.remaining() + ")");
        }
        byte[] sk = new byte[skLen];
        b.get(sk);
        if (type == ColumnType.NUMERICAL) {
          p.sketch = KllDoublesSketch.heapify(Memory.wrap(sk));
        } else {
          p.items = ItemsSketch.getInstance(Memory.wrap(sk), SERDE);
        }
        return p;
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("feature profile: corrupt bytes", e);
      }
    }
  }
}
