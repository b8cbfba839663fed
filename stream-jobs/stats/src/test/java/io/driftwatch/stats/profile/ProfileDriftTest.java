package io.driftwatch.stats.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.stats.drift.ColumnSample;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DefaultMethodSelector;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftMethods;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.drift.DriftResult;
import io.driftwatch.stats.drift.KsTwoSample;
import io.driftwatch.stats.drift.NumpyHistogram;
import io.driftwatch.stats.drift.Parity;
import io.driftwatch.stats.drift.ParityData;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sketch-mode drift against exact mode and the parity fixtures. Where the profiles hold exact
 * counts (few distinct values, categories below capacity, KLL sketches that have not compacted) the
 * results must equal SciPy's within 1e-9 with error bound 0; where they are sketched, the exact
 * statistic must lie within the stated error bound.
 */
class ProfileDriftTest {

  @BeforeEach
  void seedKll() {
    KllSeed.seed(7L);
  }

  static Stream<ParityData.Section> exactCases() {
    // every fixture except continuous binned ones, whose sketch-mode bins differ by design
    return ParityData.sections("drift_methods.txt").stream()
        .filter(
            c ->
                !(c.get("type").equals("numerical")
                    && !c.name().startsWith("lowcard")
                    && !c.name().startsWith("midcard")
                    && !c.name().startsWith("z_")
                    && !c.get("method").equals("ks")
                    && !c.get("method").equals("wasserstein")));
  }

  /** Profiles of a fixture data set; k = 65535 keeps KLL exact for every fixture size. */
  static FeatureProfile profile(String spec, String type) {
    Object data = ParityData.generate(spec);
    FeatureProfile p;
    if (data instanceof double[] d) {
      p =
          type.equals("numerical")
              ? FeatureProfile.numerical(65535, null)
              : FeatureProfile.categorical(1024, true);
      for (double v : d) {
        p.add(v);
      }
    } else {
      p = FeatureProfile.categorical();
      for (String s : (String[]) data) {
        p.add(s);
      }
    }
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exactCases")
  void exactSketchesReproduceTheParityFixtures(ParityData.Section c) {
    FeatureProfile ref = profile(c.get("reference"), c.get("type"));
    FeatureProfile cur = profile(c.get("current"), c.get("type"));
    DriftOptions options = DriftOptions.defaults();
    if (c.fields().containsKey("js_base")) {
      options = options.withJsLogBase(ParityData.number(c.get("js_base")));
    }
    DriftResult r = ProfileDrift.test(DriftMethods.byName(c.get("method")), ref, cur, options);

    assertThat(r.error()).as(c.name()).isNull();
    assertThat(r.errorBound()).as(c.name()).isZero();
    Parity.assertClose(
        c.name() + " statistic", r.statistic(), ParityData.number(c.get("statistic")));
    Parity.assertClose(c.name() + " p-value", r.pValue(), ParityData.number(c.get("p_value")));
    Parity.assertClose(
        c.name() + " effect", r.effectSize(), ParityData.number(c.get("effect_size")));
    assertThat(r.drift()).isEqualTo(Boolean.parseBoolean(c.get("drift")));
  }

  static Stream<ParityData.Section> fixedBinCases() {
    return ParityData.sections("sketch_fixed_bins.txt").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixedBinCases")
  void binnedDistancesOnTheReferenceBinsMatchNumpy(ParityData.Section c) {
    double[] refData = (double[]) ParityData.generate(c.get("reference"));
    double[] curData = (double[]) ParityData.generate(c.get("current"));
    ReferenceProfile ref = ReferenceProfile.builder().numerical("x", refData).build();
    ReferenceProfile window = ref.newWindow();
    for (double v : curData) {
      window.add(java.util.Map.of("x", v));
    }
    FeatureProfile r = ref.feature("x");
    FeatureProfile w = window.feature("x");
    assertThat(r.binEdges()).containsExactly(ParityData.numbers(c.get("edges")));
    for (String m : new String[] {"psi", "kl_div", "jensenshannon", "hellinger"}) {
      DriftResult res = ProfileDrift.test(DriftMethods.byName(m), r, w, DriftOptions.defaults());
      assertThat(res.errorBound()).as(m).isZero();
      Parity.assertClose(c.name() + " " + m, res.statistic(), ParityData.number(c.get(m)));
    }
  }

  @Test
  void sketchedKsAndWassersteinStayWithinTheirStatedBounds() {
    Random rng = new Random(11);
    for (int round = 0; round < 4; round++) {
      double shift = 0.02 * round;
      double[] a = new double[60_000 + rng.nextInt(20_000)];
      double[] b = new double[30_000 + rng.nextInt(20_000)];
      FeatureProfile pa = FeatureProfile.numerical();
      FeatureProfile pb = FeatureProfile.numerical();
      for (int i = 0; i < a.length; i++) {
        a[i] = rng.nextGaussian();
        pa.add(a[i]);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = rng.nextGaussian() * 1.1 + shift;
        pb.add(b[i]);
      }
      DriftOptions o = DriftOptions.defaults();
      DriftResult ks = ProfileDrift.test(DriftMethods.KS, pa, pb, o);
      KsTwoSample.Result exact = KsTwoSample.test(a, b);
      assertThat(exact.exact()).isFalse();
      assertThat(ks.errorBound()).isEqualTo(pa.rankError() + pb.rankError()).isPositive();
      assertThat(Math.abs(ks.statistic() - exact.statistic())).isLessThanOrEqualTo(ks.errorBound());
      // the p-value is ks_2samp's for the sketched D and the true sizes
      assertThat(ks.pValue())
          .isEqualTo(KsTwoSample.pValue(ks.statistic(), a.length, b.length).pValue());

      DriftResult w = ProfileDrift.test(DriftMethods.WASSERSTEIN, pa, pb, o);
      DriftResult wExact =
          DriftMethods.WASSERSTEIN.test(ColumnSample.numerical(a), ColumnSample.numerical(b), o);
      assertThat(Math.abs(w.statistic() - wExact.statistic())).isLessThanOrEqualTo(w.errorBound());
      assertThat(w.errorBound()).isLessThan(0.3);
    }
  }

  @Test
  void smallSamplesGiveExactKsFromTheSketch() {
    Random rng = new Random(3);
    double[] a = new double[150];
    double[] b = new double[120];
    FeatureProfile pa = FeatureProfile.numerical();
    FeatureProfile pb = FeatureProfile.numerical();
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
      pa.add(a[i]);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextGaussian() + 0.4;
      pb.add(b[i]);
    }
    DriftResult s = ProfileDrift.test(DriftMethods.KS, pa, pb, DriftOptions.defaults());
    DriftResult e =
        DriftMethods.KS.test(
            ColumnSample.numerical(a), ColumnSample.numerical(b), DriftOptions.defaults());
    assertThat(s.errorBound()).isZero();
    assertThat(s.statistic()).isEqualTo(e.statistic());
    assertThat(s.pValue()).isEqualTo(e.pValue());
  }

  @Test
  void pmfFallbackWithoutFixedBinsStaysWithinItsBound() {
    Random rng = new Random(21);
    double[] a = new double[80_000];
    double[] b = new double[50_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextGaussian() * 1.3 + 0.2;
    }
    // exact bins: a reference built with edges and a window from it
    ReferenceProfile withBins = ReferenceProfile.builder().numerical("x", a).build();
    FeatureProfile exactRef = withBins.feature("x");
    FeatureProfile exactCur = withBins.newWindow().feature("x");
    FeatureProfile sketchRef = FeatureProfile.numerical();
    FeatureProfile sketchCur = FeatureProfile.numerical();
    for (double v : a) {
      sketchRef.add(v);
    }
    for (double v : b) {
      exactCur.add(v);
      sketchCur.add(v);
    }
    DriftOptions o = DriftOptions.defaults();
    for (DriftMethod m :
        new DriftMethod[] {
          DriftMethods.HELLINGER, DriftMethods.JENSENSHANNON, DriftMethods.PSI, DriftMethods.KL_DIV
        }) {
      DriftResult exact = ProfileDrift.test(m, exactRef, exactCur, o);
      DriftResult sketched = ProfileDrift.test(m, sketchRef, sketchCur, o);
      assertThat(exact.errorBound()).isZero();
      assertThat(sketched.errorBound()).isPositive().isFinite();
      assertThat(Math.abs(sketched.statistic() - exact.statistic()))
          .as(m.name())
          .isLessThanOrEqualTo(sketched.errorBound());
    }
  }

  /**
   * Sketched psi and kl_div against the exact statistic on the same data and the same bins, over
   * seeded random data sets: several shapes, 1e3 to 1e5 values per side, no to large shifts, a
   * sketched reference (edges = Sturges over its min, max and count) or one with exact bin counts.
   * The exact value is computed here from the raw values, not by ProfileDrift: each value is
   * counted into the reference's bins by comparisons ([a, b), the last closed, plus underflow and
   * overflow bins dropped when empty on both sides), counts become shares, zeros are filled by
   * Evidently's rule, and the sums are taken (kl_div renormalised, as scipy's entropy).
   */
  @Test
  void sketchedPsiAndKlDivStayWithinTheirStatedBounds() {
    Random rng = new Random(42);
    DriftOptions o = DriftOptions.defaults();
    int sketchedBoth = 0;
    for (int round = 0; round < 48; round++) {
      int shape = round % 6;
      double[] shifts = {0, 0.05, 0.3, 1.5};
      double shift = shifts[(round / 6) % 4];
      double scale = round % 5 == 0 ? 1.4 : 1.0;
      double[] a = sample(rng, shape, logUniformSize(rng), 0, 1);
      double[] b = sample(rng, shape, logUniformSize(rng), shift, scale);
      FeatureProfile cur = FeatureProfile.numerical();
      Arrays.stream(b).forEach(cur::add);
      FeatureProfile ref;
      double[] edges;
      if (round % 3 == 0) {
        ref = ReferenceProfile.builder().numerical("x", a).build().feature("x");
        edges = ref.binEdges();
      } else {
        ref = FeatureProfile.numerical();
        Arrays.stream(a).forEach(ref::add);
        // NumPy's Sturges edges over the reference (NumpyHistogramParityTest checks them)
        edges =
            NumpyHistogram.sturgesEdges(
                Arrays.stream(a).min().orElseThrow(),
                Arrays.stream(a).max().orElseThrow(),
                a.length);
        sketchedBoth++;
      }
      assertThat(ref.distinctValuesExact()).isFalse();
      double[][] shares = exactShares(a, b, edges);
      double psi = hand(shares, true);
      double kl = hand(shares, false);
      String what =
          String.format(
              "round %d shape %d n_ref %d n_cur %d shift %s",
              round, shape, a.length, b.length, shift);
      for (DriftMethod m : new DriftMethod[] {DriftMethods.PSI, DriftMethods.KL_DIV}) {
        DriftResult r = ProfileDrift.test(m, ref, cur, o);
        double exact = m == DriftMethods.PSI ? psi : kl;
        assertThat(r.errorBound()).as(what + " " + m.name()).isPositive().isFinite();
        assertThat(Math.abs(r.statistic() - exact))
            .as(what + " " + m.name())
            .isLessThanOrEqualTo(r.errorBound());
      }
    }
    assertThat(sketchedBoth).isEqualTo(32);
  }

  private static int logUniformSize(Random rng) {
    return (int) Math.round(Math.pow(10, 3 + 2 * rng.nextDouble()));
  }

  private static double[] sample(Random rng, int shape, int n, double shift, double scale) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      double v =
          switch (shape) {
            case 0 -> rng.nextGaussian();
            case 1 -> -Math.log(1 - u); // exponential
            case 2 -> Math.exp(rng.nextGaussian()); // lognormal
            case 3 -> u; // uniform
            case 4 -> rng.nextGaussian() * 0.3 + (u < 0.3 ? -2 : 1); // bimodal
            default -> Math.tan(Math.PI * (0.98 * u - 0.49)); // Cauchy, truncated
          };
      x[i] = v * scale + shift;
    }
    return x;
  }

  /** Reference and current shares over the edges' bins plus non-empty underflow/overflow bins. */
  private static double[][] exactShares(double[] a, double[] b, double[] edges) {
    long[][] counts = {count(a, edges), count(b, edges)};
    int last = edges.length;
    int from = counts[0][0] == 0 && counts[1][0] == 0 ? 1 : 0;
    int to = counts[0][last] == 0 && counts[1][last] == 0 ? last : last + 1;
    double[][] out = new double[2][to - from];
    for (int side = 0; side < 2; side++) {
      long n = side == 0 ? a.length : b.length;
      for (int i = from; i < to; i++) {
        out[side][i - from] = counts[side][i] / (double) n;
      }
    }
    return out;
  }

  private static long[] count(double[] values, double[] edges) {
    int bins = edges.length - 1;
    long[] c = new long[bins + 2];
    for (double v : values) {
      if (v < edges[0]) {
        c[0]++;
      } else if (v > edges[bins]) {
        c[bins + 1]++;
      } else {
        int i = 0;
        while (i < bins - 1 && v >= edges[i + 1]) {
          i++;
        }
        c[i + 1]++;
      }
    }
    return c;
  }

  /** psi (true) or kl_div (false) of two share vectors, with Evidently's zero filling. */
  private static double hand(double[][] shares, boolean psi) {
    double[] p = filled(shares[0]);
    double[] q = filled(shares[1]);
    double sum = 0;
    if (psi) {
      for (int i = 0; i < p.length; i++) {
        sum += (p[i] - q[i]) * Math.log(p[i] / q[i]);
      }
      return sum;
    }
    double sp = Arrays.stream(p).sum();
    double sq = Arrays.stream(q).sum();
    for (int i = 0; i < p.length; i++) {
      sum += p[i] / sp * Math.log((p[i] / sp) / (q[i] / sq));
    }
    return sum;
  }

  private static double[] filled(double[] s) {
    double min = Arrays.stream(s).filter(x -> x > 0).min().orElseThrow();
    double fill = min <= 1e-4 ? min / 1e6 : 1e-4;
    return Arrays.stream(s).map(x -> x == 0 ? fill : x).toArray();
  }

  @Test
  void overflowingCategorySketchesStateTheirUncertainty() {
    Random rng = new Random(8);
    FeatureProfile ref = FeatureProfile.categorical(16, false);
    FeatureProfile cur = FeatureProfile.categorical(16, false);
    String[] a = new String[20_000];
    String[] b = new String[15_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = "L" + (int) Math.floor(60 * Math.pow(rng.nextDouble(), 3));
      ref.add(a[i]);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = "L" + (int) Math.floor(60 * Math.pow(rng.nextDouble(), 2.5));
      cur.add(b[i]);
    }
    DriftOptions o = DriftOptions.defaults();
    DriftResult linf = ProfileDrift.test(DriftMethods.LINF, ref, cur, o);
    DriftResult exact =
        DriftMethods.LINF.test(ColumnSample.categorical(a), ColumnSample.categorical(b), o);
    assertThat(linf.errorBound()).isPositive();
    assertThat(Math.abs(linf.statistic() - exact.statistic()))
        .isLessThanOrEqualTo(linf.errorBound());
    assertThat(ProfileDrift.test(DriftMethods.CHISQUARE, ref, cur, o).errorBound()).isInfinite();
  }

  @Test
  void defaultSelectionMatchesExactModeAtTheBoundaries() {
    // 1000 vs 1001 reference values, 5 vs 6 and 2 vs 3 distinct values
    for (int nRef : new int[] {1000, 1001}) {
      for (int distinct : new int[] {2, 3, 5, 6, 40, 200}) {
        double[] ref = new double[nRef];
        for (int i = 0; i < nRef; i++) {
          ref[i] = i % distinct;
        }
        double[] cur = {0, 1};
        FeatureProfile pr = FeatureProfile.numerical();
        FeatureProfile pc = FeatureProfile.numerical();
        Arrays.stream(ref).forEach(pr::add);
        Arrays.stream(cur).forEach(pc::add);
        String expected =
            DefaultMethodSelector.select(ColumnSample.numerical(ref), ColumnSample.numerical(cur))
                .name();
        assertThat(ProfileDrift.defaultMethod(pr, pc).name())
            .as("n_ref=%d distinct=%d", nRef, distinct)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void comparingProfilesGivesDatasetDriftAndErrorsForEmptyOrMissingFeatures() {
    ReferenceProfile ref =
        ReferenceProfile.builder()
            .categorical("c", new String[] {"a", "b", "a", "b"})
            .numerical("x", new double[] {1, 2, 3, 4, 5, 6, 7, 8})
            .numerical("empty", new double[] {1, 2})
            .build();
    ReferenceProfile cur = ref.newWindow();
    for (int i = 0; i < 10; i++) {
      cur.add(java.util.Map.of("c", "b", "x", 50.0 + i));
    }
    DatasetDrift d = ProfileDrift.compare(ref, cur, DriftOptions.defaults(), 0.5);
    assertThat(d.columns().get("c").method()).isEqualTo("z");
    assertThat(d.columns().get("x").method()).isEqualTo("ks");
    assertThat(d.columns().get("x").drift()).isTrue();
    assertThat(d.columns().get("empty").error()).isEqualTo("current: no non-missing values");
    assertThat(d.errors()).isEqualTo(1);
    assertThat(d.tested()).isEqualTo(2);
    assertThat(d.drift()).isTrue();
  }

  @Test
  void mismatchedProfilesAreErrorResultsNotExceptions() {
    FeatureProfile num = FeatureProfile.numerical();
    num.add(1.0);
    FeatureProfile cat = FeatureProfile.categorical();
    cat.add("a");
    DriftResult r = ProfileDrift.test(DriftMethods.PSI, num, cat, DriftOptions.defaults());
    assertThat(r.isError()).isTrue();
    assertThat(r.drift()).isFalse();
    assertThat(ProfileDrift.test(DriftMethods.KS, cat, cat, DriftOptions.defaults()).error())
        .isEqualTo("ks: column type CATEGORICAL (expected: NUMERICAL)");
  }
}
