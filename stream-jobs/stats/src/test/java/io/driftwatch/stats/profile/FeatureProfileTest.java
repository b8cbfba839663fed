package io.driftwatch.stats.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.NumpyHistogram;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.datasketches.kll.KllSketch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feature profiles: invariants after each operation, merge properties (associative, commutative,
 * split-then-merge equals one pass) on seeded random data, the stated KLL rank error, the codec.
 */
class FeatureProfileTest {

  private static final double[] EDGES = {-2, -1, 0, 1, 2};

  @BeforeEach
  void seedKll() {
    KllSeed.seed(20261123L);
  }

  @Test
  void numericalProfileCountsMissingMinMaxAndMoments() {
    FeatureProfile p = FeatureProfile.numerical();
    for (Object v :
        new Object[] {
          1.0, 2, 3.5f, null, Double.NaN, Double.POSITIVE_INFINITY, "4", " ", "x", true
        }) {
      p.add(v);
    }
    // 1, 2, 3.5, 4, 1 (true) are values; null, NaN, inf, " " missing; "x" rejected
    assertThat(p.count()).isEqualTo(5);
    assertThat(p.missing()).isEqualTo(4);
    assertThat(p.rejected()).isEqualTo(1);
    assertThat(p.min()).isEqualTo(1.0);
    assertThat(p.max()).isEqualTo(4.0);
    assertThat(p.mean()).isCloseTo(11.5 / 5, within(1e-15));
    double var = 0;
    for (double v : new double[] {1, 2, 3.5, 4, 1}) {
      var += (v - 2.3) * (v - 2.3);
    }
    assertThat(p.populationStd()).isCloseTo(Math.sqrt(var / 5), within(1e-15));
    assertThat(p.distinctValues().asMap()).containsEntry("1.0", 2L).containsEntry("3.5", 1L);
    assertThat(p.type()).isEqualTo(ColumnType.NUMERICAL);
  }

  @Test
  void anEmptyProfileHasNaNStatisticsNotExceptions() {
    FeatureProfile p = FeatureProfile.numerical();
    assertThat(p.count()).isZero();
    assertThat(p.min()).isNaN();
    assertThat(p.mean()).isNaN();
    assertThat(p.quantile(0.5)).isNaN();
    assertThat(p.rankError()).isZero();
  }

  @Test
  void categoricalProfileCountsLabels() {
    FeatureProfile p = FeatureProfile.categorical();
    for (Object v : new Object[] {"a", "b", "a", "", null, false, 7}) {
      p.add(v);
    }
    assertThat(p.count()).isEqualTo(5);
    assertThat(p.missing()).isEqualTo(2);
    assertThat(p.categoryCounts().asMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 2L, "b", 1L, "False", 1L, "7.0", 1L));
    assertThat(p.categoryCountError()).isZero();
    assertThat(p.min()).isNaN();
  }

  @Test
  void numericCategoriesOrderNumerically() {
    FeatureProfile p = FeatureProfile.categorical(64, true);
    for (Object v : new Object[] {10, 9, "10", 9.0, "nine", Double.NaN}) {
      p.add(v);
    }
    assertThat(p.rejected()).isEqualTo(1);
    assertThat(p.missing()).isEqualTo(1);
    CategoryCounts c = p.categoryCounts();
    assertThat(c.numericKeys()).isTrue();
    assertThat(c.key(0)).isEqualTo("9.0");
    assertThat(c.count(1)).isEqualTo(2);
  }

  @Test
  void distinctValuesAreExactUpTo64ThenDropped() {
    FeatureProfile p = FeatureProfile.numerical();
    for (int i = 0; i < FeatureProfile.MAX_TRACKED_DISTINCT; i++) {
      p.add((double) i);
      p.add((double) i);
    }
    assertThat(p.distinctValuesExact()).isTrue();
    assertThat(p.uniqueCount()).isEqualTo(64);
    p.add(-0.0);
    assertThat(p.uniqueCount()).as("-0.0 is 0.0").isEqualTo(64);
    p.add(1000.0);
    assertThat(p.distinctValuesExact()).isFalse();
    assertThat(p.distinctValues()).isNull();
    assertThat(p.uniqueCount()).isEqualTo(65);
  }

  @Test
  void binCountsAreExactWithUnderflowAndOverflow() {
    double[] values = {-3, -2, -1.5, -1, 0, 0.5, 1, 2, 2.5, Double.NaN};
    FeatureProfile p = FeatureProfile.numerical(200, EDGES);
    for (double v : values) {
      p.add(v);
    }
    long[] inside = NumpyHistogram.counts(values, EDGES);
    long[] bins = p.binCounts();
    assertThat(bins[0]).isEqualTo(1);
    assertThat(Arrays.copyOfRange(bins, 1, bins.length - 1)).containsExactly(inside);
    assertThat(bins[bins.length - 1]).isEqualTo(1);
    assertThat(Arrays.stream(bins).sum()).isEqualTo(p.count());
  }

  @Test
  void theStatedRankErrorIsKllsAndHolds() {
    // KLL k=200: 2.296 / 200^0.9723 = 1.33% for ranks, 2.446 / 200^0.9433 = 1.65% for PMFs
    assertThat(KllSketch.getNormalizedRankError(200, false)).isCloseTo(0.0133, within(0.0001));
    assertThat(KllSketch.getNormalizedRankError(200, true)).isCloseTo(0.0165, within(0.0001));
    Random rng = new Random(7);
    double[] data = new double[100_000];
    FeatureProfile p = FeatureProfile.numerical();
    for (int i = 0; i < data.length; i++) {
      data[i] = rng.nextGaussian();
      p.add(data[i]);
    }
    assertThat(p.rankError()).isEqualTo(KllSketch.getNormalizedRankError(200, false));
    assertRanksWithin(p, data, p.rankError());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void numericalMergeIsAssociativeCommutativeAndEqualsOnePass(long seed) {
    Random rng = new Random(seed);
    int n = 3000 + rng.nextInt(3000);
    double[] data = new double[n];
    for (int i = 0; i < n; i++) {
      data[i] = rng.nextInt(10) == 0 ? Double.NaN : rng.nextGaussian() * 1.5;
    }
    int cut1 = rng.nextInt(n);
    int cut2 = cut1 + rng.nextInt(n - cut1 + 1);
    FeatureProfile whole = filled(FeatureProfile.numerical(200, EDGES), data, 0, n);
    FeatureProfile a = filled(FeatureProfile.numerical(200, EDGES), data, 0, cut1);
    FeatureProfile b = filled(FeatureProfile.numerical(200, EDGES), data, cut1, cut2);
    FeatureProfile c = filled(FeatureProfile.numerical(200, EDGES), data, cut2, n);

    FeatureProfile abC = merged(merged(a, b), c);
    FeatureProfile aBc = merged(a, merged(b, c));
    FeatureProfile cbA = merged(merged(c, b), a);
    double[] finite = Arrays.stream(data).filter(Double::isFinite).toArray();
    for (FeatureProfile p : new FeatureProfile[] {abC, aBc, cbA}) {
      assertSameExactState(p, whole);
      assertRanksWithin(p, finite, p.rankError());
    }
    assertRanksWithin(whole, finite, whole.rankError());
    // the inputs of a merge are left unchanged
    assertThat(b.count())
        .isEqualTo(Arrays.stream(data, cut1, cut2).filter(Double::isFinite).count());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14})
  void lowCardinalityNumericalAndCategoricalMergesAreExact(long seed) {
    Random rng = new Random(seed);
    int n = 2000;
    Object[] nums = new Object[n];
    Object[] labels = new Object[n];
    for (int i = 0; i < n; i++) {
      nums[i] = (double) rng.nextInt(30);
      labels[i] = rng.nextInt(20) == 0 ? null : "c" + rng.nextInt(300);
    }
    int cut = rng.nextInt(n);
    for (boolean categorical : new boolean[] {false, true}) {
      Object[] d = categorical ? labels : nums;
      FeatureProfile empty =
          categorical ? FeatureProfile.categorical() : FeatureProfile.numerical();
      FeatureProfile whole = filled(empty.emptyCopy(), d, 0, n);
      FeatureProfile a = filled(empty.emptyCopy(), d, 0, cut);
      FeatureProfile b = filled(empty.emptyCopy(), d, cut, n);
      FeatureProfile ab = merged(a, b);
      FeatureProfile ba = merged(b, a);
      assertSameExactState(ab, whole);
      assertSameExactState(ba, whole);
      if (categorical) {
        assertThat(ab.categoryCounts()).isEqualTo(whole.categoryCounts());
        assertThat(ab.categoryCountError()).isZero();
      } else {
        // few distinct values: the KLL sketch is exact too
        assertThat(ab.quantile(0.5)).isEqualTo(whole.quantile(0.5));
      }
    }
  }

  @Test
  void categoriesBeyondSketchCapacityStayWithinTheStatedCountError() {
    Random rng = new Random(5);
    FeatureProfile p = FeatureProfile.categorical(16, false);
    Map<String, Long> truth = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      // a skewed distribution over 200 labels: far more than 0.75 * 16 = 12 tracked
      String label = "L" + (int) Math.floor(200 * Math.pow(rng.nextDouble(), 3));
      p.add(label);
      truth.merge(label, 1L, Long::sum);
    }
    long err = p.categoryCountError();
    assertThat(err).isPositive();
    CategoryCounts est = p.categoryCounts();
    for (int i = 0; i < est.size(); i++) {
      long exact = truth.get(est.key(i));
      assertThat(Math.abs(est.count(i) - exact)).as(est.key(i)).isLessThanOrEqualTo(err);
    }
  }

  @Test
  void codecRoundTripsEveryStateAndStartsWithTheVersion() {
    Random rng = new Random(3);
    FeatureProfile num = FeatureProfile.numerical(100, EDGES);
    FeatureProfile cat = FeatureProfile.categorical(32, true);
    for (int i = 0; i < 5000; i++) {
      num.add(rng.nextGaussian());
      cat.add(rng.nextInt(7));
    }
    num.add("junk");
    num.add(null);
    for (FeatureProfile p :
        new FeatureProfile[] {num, cat, FeatureProfile.numerical(), FeatureProfile.categorical()}) {
      byte[] bytes = FeatureProfile.CODEC.encode(p);
      assertThat(bytes[0]).isEqualTo((byte) 1);
      FeatureProfile back = FeatureProfile.CODEC.decode(bytes);
      assertThat(FeatureProfile.CODEC.encode(back)).isEqualTo(bytes);
      assertSameExactState(back, p);
      assertThat(p.result()).isEqualTo(p);
    }
    FeatureProfile back = FeatureProfile.CODEC.decode(FeatureProfile.CODEC.encode(num));
    assertThat(back.quantile(0.3)).isEqualTo(num.quantile(0.3));
    assertThat(back.rejected()).isEqualTo(1);
  }

  @Test
  void corruptOrUnknownBytesFailWithAClearMessage() {
    byte[] good = FeatureProfile.CODEC.encode(FeatureProfile.numerical());
    byte[] v2 = good.clone();
    v2[0] = 2;
    assertThatThrownBy(() -> FeatureProfile.CODEC.decode(v2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature profile: version 2 (expected: 1)");
    assertThatThrownBy(() -> FeatureProfile.CODEC.decode(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeatureProfile.CODEC.decode(new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void profilesWithDifferentShapesDoNotMerge() {
    FeatureProfile a = FeatureProfile.numerical(200, EDGES);
    assertThatThrownBy(() -> a.merge(FeatureProfile.numerical()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("profile to merge: NUMERICAL k=200 edges=null (expected:");
    assertThatThrownBy(() -> a.merge(FeatureProfile.categorical()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badKnobsFailFast() {
    assertThatThrownBy(() -> FeatureProfile.numerical(4, null))
        .hasMessage("kllK: 4 (expected: 8..65535)");
    assertThatThrownBy(() -> FeatureProfile.categorical(1000, false))
        .hasMessage("maxMapSize: 1000 (expected: a power of 2, >= 8)");
    assertThatThrownBy(() -> FeatureProfile.numerical(200, new double[] {1, 1}))
        .hasMessageStartingWith("binEdges: [1.0, 1.0] (expected:");
  }

  static FeatureProfile filled(FeatureProfile p, double[] d, int from, int to) {
    for (int i = from; i < to; i++) {
      p.add(d[i]);
    }
    return p;
  }

  static FeatureProfile filled(FeatureProfile p, Object[] d, int from, int to) {
    for (int i = from; i < to; i++) {
      p.add(d[i]);
    }
    return p;
  }

  static FeatureProfile merged(FeatureProfile a, FeatureProfile b) {
    FeatureProfile out = a.result();
    out.merge(b);
    return out;
  }

  /** Everything but the KLL sketch must match exactly; moments up to rounding. */
  static void assertSameExactState(FeatureProfile actual, FeatureProfile expected) {
    assertThat(actual.type()).isEqualTo(expected.type());
    assertThat(actual.count()).isEqualTo(expected.count());
    assertThat(actual.missing()).isEqualTo(expected.missing());
    assertThat(actual.rejected()).isEqualTo(expected.rejected());
    assertThat(actual.binEdges()).isEqualTo(expected.binEdges());
    assertThat(actual.binCounts()).isEqualTo(expected.binCounts());
    if (actual.type() == ColumnType.NUMERICAL) {
      assertThat((Object) actual.min()).isEqualTo(expected.min());
      assertThat((Object) actual.max()).isEqualTo(expected.max());
      assertThat(actual.distinctValues()).isEqualTo(expected.distinctValues());
      if (expected.count() > 0) {
        assertThat(actual.mean())
            .isCloseTo(expected.mean(), within(1e-12 * Math.max(1, Math.abs(expected.mean()))));
        assertThat(actual.populationStd())
            .isCloseTo(expected.populationStd(), within(1e-12 * expected.populationStd()));
      }
    } else {
      assertThat(actual.categoryCounts()).isEqualTo(expected.categoryCounts());
    }
  }

  /** The sketched rank of many points is within {@code eps} of the exact rank. */
  static void assertRanksWithin(FeatureProfile p, double[] data, double eps) {
    double[] sorted = data.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < 100; i++) {
      double x = sorted[(int) ((long) i * (sorted.length - 1) / 100)];
      int upper = upperBound(sorted, x);
      double exact = upper / (double) sorted.length;
      assertThat(Math.abs(p.rank(x) - exact)).as("rank of " + x).isLessThanOrEqualTo(eps);
    }
  }

  private static int upperBound(double[] s, double x) {
    int lo = 0;
    int hi = s.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Flink's heap state backend serializes state in a snapshot thread while the task thread may copy
   * the same object (the state serializer copies by encoding): one profile encoded by two threads
   * at once. Encoding flushes the numbers still waiting for the KLL sketch into it; they must get
   * there once, whichever thread flushes them.
   */
  @Test
  void twoThreadsMayEncodeOneProfileAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 2000; round++) {
        FeatureProfile p = FeatureProfile.numerical();
        for (int i = 0; i < 100; i++) {
          p.addNumber(i); // fewer than one block: all of them still on their way to the sketch
        }
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<byte[]> encode =
            () -> {
              together.await();
              return FeatureProfile.CODEC.encode(p);
            };
        Future<byte[]> a = pool.submit(encode);
        Future<byte[]> b = pool.submit(encode);
        for (byte[] bytes : List.of(a.get(), b.get())) {
          assertThat(kllN(FeatureProfile.CODEC.decode(bytes))).as("round %d", round).isEqualTo(100);
        }
        assertThat(kllN(FeatureProfile.CODEC.decode(FeatureProfile.CODEC.encode(p))))
            .isEqualTo(100);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The number of values in a decoded profile's KLL sketch (a decoded profile has none pending).
   */
  private static long kllN(FeatureProfile decoded) throws ReflectiveOperationException {
    Field f = FeatureProfile.class.getDeclaredField("sketch");
    f.setAccessible(true);
    return ((KllSketch) f.get(decoded)).getN();
  }
}
