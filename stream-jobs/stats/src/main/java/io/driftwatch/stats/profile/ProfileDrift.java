package io.driftwatch.stats.profile;

import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.CountTests;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DefaultMethodSelector;
import io.driftwatch.stats.drift.Divergences;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftMethods;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.drift.DriftResult;
import io.driftwatch.stats.drift.KsTwoSample;
import io.driftwatch.stats.drift.NumpyHistogram;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sketch-mode drift: the drift methods computed from two {@link FeatureProfile}s (a reference and a
 * current window) instead of raw data, for the streaming job. Decisions use the same rules and
 * thresholds as exact mode ({@link DriftMethod#decide}); {@link DriftResult#errorBound()} states
 * how far the statistic can be from the exact one computed on the same data, or +∞ when no bound is
 * claimed.
 *
 * <p>Which data each method uses:
 *
 * <ul>
 *   <li><b>Exact value counts</b> ({@link FeatureProfile#distinctValues()}, numerical features with
 *       at most {@value FeatureProfile#MAX_TRACKED_DISTINCT} distinct values on both sides, and
 *       categorical features below sketch capacity): every method equals exact mode, with
 *       Evidently's binning rules (value counts up to 20 distinct reference values, Sturges over
 *       ref ∪ cur above). Error bound 0.
 *   <li><b>ks, wasserstein</b> otherwise: the two KLL sketches' CDFs. D is the largest gap between
 *       the two sketched CDFs, off by at most ε_ref + ε_cur ({@link FeatureProfile#rankError()},
 *       about 1.33% each at k = 200, 99% confidence each); the p-value is {@code ks_2samp}'s for
 *       that D and the true sample sizes. W1 is ∫|F_ref − F_cur| of the sketched CDFs, off by at
 *       most (ε_ref + ε_cur)·(max − min) / norm.
 *   <li><b>psi, kl_div, jensenshannon, hellinger</b> on numerical features otherwise: the fixed bin
 *       edges of the reference profile (Sturges over the reference alone, not over ref ∪ cur like
 *       Evidently: windows must be comparable) plus an underflow and an overflow bin for current
 *       values outside the reference range. Exact bin counts when both profiles carry them (a
 *       window made by {@link ReferenceProfile#newWindow()}); else KLL PMFs at those edges, with
 *       bounds from the per-bin PMF error e ({@link FeatureProfile#pmfError()}, about 1.65% at k =
 *       200, 99% confidence per bin): for hellinger and jensenshannon through their metric
 *       inequalities; for psi and kl_div (not metrics, and unbounded near a zero share) from the
 *       box each exact zero-filled share lies in (within e of the sketched share, 0 or at least
 *       1/n, Evidently's fill of a 0 between its possible values), over which the statistic's
 *       extremes are summed bin by bin ({@link ShareIntervals}). These two bounds are safe but
 *       loose: a small bin can contribute up to about e·ln(e/fill), the fill being as low as
 *       1e-6/n. On 1e5 Gaussian values a side they were about ±3.3 (psi) and ±2.6 (kl_div) at k =
 *       200, ±0.5 and ±0.35 at k = 1024, ±0.1 at k = 4096. Hellinger is then the Bhattacharyya form
 *       over bin shares.
 *   <li><b>Categorical features above sketch capacity</b> (more than 0.75 × maxMapSize categories):
 *       every method runs on the frequent-items estimates of the categories still tracked; linf is
 *       off by at most the two count errors over the sizes, the others claim no bound (+∞).
 * </ul>
 */
public final class ProfileDrift {

  private static final int MAX_REFERENCE_UNIQUE_FOR_COUNTS = 20;

  private ProfileDrift() {}

  /** Evidently's default method for the data the two profiles summarize. */
  public static DriftMethod defaultMethod(FeatureProfile reference, FeatureProfile current) {
    return DefaultMethodSelector.select(
        reference.type(), reference.count(), unionUniqueCount(reference, current));
  }

  /**
   * Number of distinct values over both profiles: exact when both track them, else a lower bound
   * above every threshold of the default selection.
   */
  public static long unionUniqueCount(FeatureProfile reference, FeatureProfile current) {
    if (reference.type() == ColumnType.NUMERICAL) {
      CategoryCounts a = reference.distinctValues();
      CategoryCounts b = current.distinctValues();
      if (a == null || b == null) {
        return FeatureProfile.MAX_TRACKED_DISTINCT + 1L;
      }
      return CategoryCounts.align(a, b).keys().length;
    }
    return CategoryCounts.align(reference.categoryCounts(), current.categoryCounts()).keys().length;
  }

  /** Runs Evidently's default method. */
  public static DriftResult testDefault(
      FeatureProfile reference, FeatureProfile current, DriftOptions options) {
    if (reference.type() != current.type()) {
      return DriftResult.error("default", Double.NaN, typeMismatch(reference, current));
    }
    return test(defaultMethod(reference, current), reference, current, options);
  }

  /**
   * Compares every feature of {@code reference} with the same feature of {@code current} by its
   * default method; a feature absent from current, or empty on a side, is an error result.
   */
  public static DatasetDrift compare(
      ReferenceProfile reference, ReferenceProfile current, DriftOptions options, double share) {
    Map<String, DriftResult> out = new LinkedHashMap<>();
    for (Map.Entry<String, FeatureProfile> e : reference.features().entrySet()) {
      FeatureProfile cur = current.feature(e.getKey());
      out.put(
          e.getKey(),
          cur == null
              ? DriftResult.error("default", Double.NaN, "current: feature not profiled")
              : testDefault(e.getValue(), cur, options));
    }
    return DatasetDrift.of(out, share);
  }

  /**
   * Runs one method on two profiles. Never throws for data: an empty side, mismatched profiles or
   * an unsupported combination yields an error result.
   */
  public static DriftResult test(
      DriftMethod method, FeatureProfile reference, FeatureProfile current, DriftOptions options) {
    double threshold = options.thresholdOr(method.defaultThreshold());
    if (reference.count() == 0) {
      return DriftResult.error(method.name(), threshold, "reference: no non-missing values");
    }
    if (current.count() == 0) {
      return DriftResult.error(method.name(), threshold, "current: no non-missing values");
    }
    if (reference.type() != current.type()) {
      return DriftResult.error(method.name(), threshold, typeMismatch(reference, current));
    }
    boolean numerical = reference.type() == ColumnType.NUMERICAL;
    if (!numerical && (method == DriftMethods.KS || method == DriftMethods.WASSERSTEIN)) {
      return DriftResult.error(
          method.name(),
          threshold,
          method.name() + ": column type CATEGORICAL (expected: NUMERICAL)");
    }
    try {
      return switch (method.name()) {
        case "ks" -> ks(reference, current, options);
        case "wasserstein" -> wasserstein(reference, current, options);
        case "psi", "kl_div", "jensenshannon", "hellinger" ->
            binned(method, reference, current, options);
        case "chisquare", "z", "linf" -> counted(method, reference, current, options);
        default ->
            DriftResult.error(method.name(), threshold, method.name() + ": no sketch-mode version");
      };
    } catch (IllegalArgumentException e) {
      return DriftResult.error(method.name(), threshold, e.getMessage());
    }
  }

  private static String typeMismatch(FeatureProfile r, FeatureProfile c) {
    return "column type: reference " + r.type() + ", current " + c.type() + " (expected: the same)";
  }

  // ------------------------------------------------------------------ ks and wasserstein

  /** A step CDF: sorted distinct values and their inclusive cumulative weights. */
  private record Cdf(double[] x, double[] cw, double n, double error) {}

  private static Cdf[] cdfs(FeatureProfile r, FeatureProfile c) {
    double[][] a = r.distinctView();
    double[][] b = c.distinctView();
    if (a != null && b != null) {
      return new Cdf[] {new Cdf(a[0], a[1], r.count(), 0.0), new Cdf(b[0], b[1], c.count(), 0.0)};
    }
    double[][] sa = r.sortedView();
    double[][] sb = c.sortedView();
    return new Cdf[] {
      new Cdf(sa[0], sa[1], r.count(), r.rankError()),
      new Cdf(sb[0], sb[1], c.count(), c.rankError())
    };
  }

  private static DriftResult ks(FeatureProfile r, FeatureProfile c, DriftOptions options) {
    Cdf[] f = cdfs(r, c);
    double d = ksDistance(f[0], f[1]);
    KsTwoSample.Result res = KsTwoSample.pValue(d, r.count(), c.count());
    double bound = f[0].error() + f[1].error();
    return DriftMethods.KS.decide(res.statistic(), res.pValue(), res.statistic(), bound, options);
  }

  /** sup |F_a − F_b| over every value of either CDF, both CDFs evaluated inclusively. */
  static double ksDistance(Cdf a, Cdf b) {
    double maxS = Double.NEGATIVE_INFINITY;
    double minS = Double.POSITIVE_INFINITY;
    int i = 0;
    int j = 0;
    while (i < a.x.length || j < b.x.length) {
      double v;
      if (j >= b.x.length || (i < a.x.length && a.x[i] <= b.x[j])) {
        v = a.x[i];
      } else {
        v = b.x[j];
      }
      while (i < a.x.length && a.x[i] <= v) {
        i++;
      }
      while (j < b.x.length && b.x[j] <= v) {
        j++;
      }
      double fa = i == 0 ? 0 : a.cw[i - 1] / a.n;
      double fb = j == 0 ? 0 : b.cw[j - 1] / b.n;
      double diff = fa - fb;
      maxS = Math.max(maxS, diff);
      minS = Math.min(minS, diff);
    }
    double negMin = Math.min(1.0, Math.max(0.0, -minS));
    return negMin > maxS ? negMin : maxS;
  }

  private static DriftResult wasserstein(FeatureProfile r, FeatureProfile c, DriftOptions options) {
    Cdf[] f = cdfs(r, c);
    TreeSet<Double> xs = new TreeSet<>();
    for (double x : f[0].x) {
      xs.add(x);
    }
    for (double x : f[1].x) {
      xs.add(x);
    }
    double[] all = xs.stream().mapToDouble(Double::doubleValue).toArray();
    double sum = 0;
    int i = 0;
    int j = 0;
    for (int k = 0; k < all.length - 1; k++) {
      double x = all[k];
      while (i < f[0].x.length && f[0].x[i] <= x) {
        i++;
      }
      while (j < f[1].x.length && f[1].x[j] <= x) {
        j++;
      }
      double fa = i == 0 ? 0 : f[0].cw[i - 1] / f[0].n;
      double fb = j == 0 ? 0 : f[1].cw[j - 1] / f[1].n;
      sum += Math.abs(fa - fb) * (all[k + 1] - x);
    }
    double norm = Math.max(r.populationStd(), 0.001);
    double w = sum / norm;
    double range = Math.max(r.max(), c.max()) - Math.min(r.min(), c.min());
    double bound = (f[0].error() + f[1].error()) * range / norm;
    return DriftMethods.WASSERSTEIN.decide(w, Double.NaN, w, bound, options);
  }

  // ------------------------------------------------------------------ binned distances

  private static DriftResult binned(
      DriftMethod method, FeatureProfile r, FeatureProfile c, DriftOptions options) {
    double[] p;
    double[] q;
    double errP;
    double errQ;
    ShareIntervals exactP = null;
    ShareIntervals exactQ = null;
    if (r.type() == ColumnType.CATEGORICAL) {
      Counts k = categoryShares(r, c);
      p = k.p;
      q = k.q;
      // untracked categories are missing altogether: no bound is claimed then
      errP = k.exact ? 0 : Double.POSITIVE_INFINITY;
      errQ = errP;
    } else {
      CategoryCounts dr = r.distinctValues();
      CategoryCounts dc = c.distinctValues();
      if (dr != null && dc != null) {
        double stat = exactFromDistinct(method, r, c, dr, dc, options);
        return method.decide(stat, Double.NaN, stat, 0.0, options);
      }
      BinShares shares = binShares(r, c);
      p = shares.p();
      q = shares.q();
      errP = shares.errP();
      errQ = shares.errQ();
      exactP = shares.exactP();
      exactQ = shares.exactQ();
    }
    double stat;
    double bound;
    int bins = p.length;
    switch (method.name()) {
      case "psi" -> {
        stat = Divergences.psi(Divergences.fillZeros(p), Divergences.fillZeros(q));
        bound =
            errP + errQ == 0
                ? 0
                : exactP == null
                    ? Double.POSITIVE_INFINITY
                    : ShareIntervals.psi(exactP, exactQ).boundAround(stat);
      }
      case "kl_div" -> {
        stat = Divergences.klDivergence(Divergences.fillZeros(p), Divergences.fillZeros(q));
        bound =
            errP + errQ == 0
                ? 0
                : exactP == null
                    ? Double.POSITIVE_INFINITY
                    : ShareIntervals.klDiv(exactP.normalized(), exactQ.normalized())
                        .boundAround(stat);
      }
      case "jensenshannon" -> {
        stat = Divergences.jensenShannon(p, q, options.jsLogBase());
        // JSD(p, p') <= ln2 * TV(p, p') and JS distance is a metric
        double scale = Math.log(2) / Math.log(options.jsLogBase());
        bound = Math.sqrt(scale * bins * errP / 2) + Math.sqrt(scale * bins * errQ / 2);
      }
      default -> {
        stat = Divergences.hellinger(p, q);
        // H(p, p')^2 <= TV(p, p') and Hellinger is a metric
        bound = Math.sqrt(bins * errP / 2) + Math.sqrt(bins * errQ / 2);
      }
    }
    return method.decide(stat, Double.NaN, stat, bound, options);
  }

  /**
   * Exact-mode value of a binned distance from exact (value, count) tables, with Evidently's rules:
   * value counts when the reference has at most 20 distinct values, Sturges over ref ∪ cur above;
   * numerical Hellinger on Sturges edges over the distinct values with densities.
   */
  private static double exactFromDistinct(
      DriftMethod method,
      FeatureProfile r,
      FeatureProfile c,
      CategoryCounts dr,
      CategoryCounts dc,
      DriftOptions options) {
    CategoryCounts.Aligned a = CategoryCounts.align(dr, dc);
    double[] xs = new double[a.keys().length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = Double.parseDouble(a.keys()[i]);
    }
    long nr = a.referenceTotal();
    long nc = a.currentTotal();
    if (method.name().equals("hellinger")) {
      double[] edges = NumpyHistogram.sturgesEdges(xs[0], xs[xs.length - 1], xs.length);
      long[] hr = new long[edges.length - 1];
      long[] hc = new long[edges.length - 1];
      for (int i = 0; i < xs.length; i++) {
        int bin = NumpyHistogram.binOf(xs[i], edges);
        hr[bin] += a.reference()[i];
        hc[bin] += a.current()[i];
      }
      double width = (edges[edges.length - 1] - edges[0]) / (edges.length - 1);
      double bc = 0;
      for (int i = 0; i < hr.length; i++) {
        double d1 = hr[i] / (edges[i + 1] - edges[i]) / nr;
        double d2 = hc[i] / (edges[i + 1] - edges[i]) / nc;
        bc += Math.sqrt(d1 * d2) * width;
      }
      return Math.sqrt(1 - Math.min(1.0, Math.max(0.0, bc)));
    }
    double[] p;
    double[] q;
    if (dr.size() > MAX_REFERENCE_UNIQUE_FOR_COUNTS) {
      double[] edges = NumpyHistogram.sturgesEdges(xs[0], xs[xs.length - 1], nr + nc);
      long[] hr = new long[edges.length - 1];
      long[] hc = new long[edges.length - 1];
      for (int i = 0; i < xs.length; i++) {
        int bin = NumpyHistogram.binOf(xs[i], edges);
        hr[bin] += a.reference()[i];
        hc[bin] += a.current()[i];
      }
      p = shares(hr, nr);
      q = shares(hc, nc);
    } else {
      p = a.referenceShares();
      q = a.currentShares();
    }
    return switch (method.name()) {
      case "psi" -> Divergences.psi(Divergences.fillZeros(p), Divergences.fillZeros(q));
      case "kl_div" -> Divergences.klDivergence(Divergences.fillZeros(p), Divergences.fillZeros(q));
      default -> Divergences.jensenShannon(p, q, options.jsLogBase());
    };
  }

  /**
   * Shares over the reference's bins plus underflow/overflow (dropped when empty on both sides),
   * the per-bin share error of each side, and, for sketched bins, the boxes the exact zero-filled
   * shares lie in.
   */
  private record BinShares(
      double[] p,
      double[] q,
      double errP,
      double errQ,
      ShareIntervals exactP,
      ShareIntervals exactQ) {}

  private static BinShares binShares(FeatureProfile r, FeatureProfile c) {
    double[] edges = r.binEdges();
    long[] cr = r.binCounts();
    long[] cc = c.binCounts();
    if (edges != null && cr != null && cc != null && Arrays.equals(edges, c.binEdges())) {
      double[][] d = dropEmptyOuter(shares(cr, r.count()), shares(cc, c.count()));
      return new BinShares(d[0], d[1], 0, 0, null, null);
    }
    if (edges == null) {
      edges = NumpyHistogram.sturgesEdges(r.min(), r.max(), r.count());
    }
    // KLL bins are [a, b); nudging the top split point up closes the last bin like NumPy
    double[] split = edges.clone();
    split[split.length - 1] = Math.nextUp(split[split.length - 1]);
    double[] pr = cr != null ? shares(cr, r.count()) : exclusivePmf(r, split);
    double errR = cr != null ? 0 : r.pmfError();
    double[] pc = exclusivePmf(c, split);
    double errC = c.pmfError();
    double[][] d = dropEmptyOuter(pr, pc);
    // the exact data's bins: min and max are exact, so they tell which outer bins hold a value
    // and are kept, whatever the sketches show
    boolean[][] sr = knownBins(r, split);
    boolean[][] sc = knownBins(c, split);
    int last = split.length;
    int from = sr[0][0] && sc[0][0] ? 1 : 0;
    int to = sr[0][last] && sc[0][last] ? last : last + 1;
    ShareIntervals exactP =
        ShareIntervals.of(
            Arrays.copyOfRange(pr, from, to),
            errR,
            r.count(),
            Arrays.copyOfRange(sr[0], from, to),
            Arrays.copyOfRange(sr[1], from, to));
    ShareIntervals exactQ =
        ShareIntervals.of(
            Arrays.copyOfRange(pc, from, to),
            errC,
            c.count(),
            Arrays.copyOfRange(sc[0], from, to),
            Arrays.copyOfRange(sc[1], from, to));
    return new BinShares(d[0], d[1], errR, errC, exactP, exactQ);
  }

  /**
   * For each PMF bin [split[i − 1], split[i]) (the outer ones unbounded): row 0 whether it is
   * certainly empty (outside [min, max]), row 1 whether it certainly holds a value (min or max).
   */
  private static boolean[][] knownBins(FeatureProfile p, double[] split) {
    double min = p.min();
    double max = p.max();
    boolean[] empty = new boolean[split.length + 1];
    boolean[] occupied = new boolean[split.length + 1];
    for (int i = 0; i <= split.length; i++) {
      double lower = i == 0 ? Double.NEGATIVE_INFINITY : split[i - 1];
      double upper = i == split.length ? Double.POSITIVE_INFINITY : split[i];
      empty[i] = upper <= min || lower > max;
      occupied[i] = (lower <= min && min < upper) || (lower <= max && max < upper);
    }
    return new boolean[][] {empty, occupied};
  }

  private static double[] exclusivePmf(FeatureProfile p, double[] split) {
    return p.sketchPmf(split);
  }

  private static double[][] dropEmptyOuter(double[] p, double[] q) {
    int from = p[0] == 0 && q[0] == 0 ? 1 : 0;
    int to = p[p.length - 1] == 0 && q[q.length - 1] == 0 ? p.length - 1 : p.length;
    return new double[][] {Arrays.copyOfRange(p, from, to), Arrays.copyOfRange(q, from, to)};
  }

  private static double[] shares(long[] counts, long total) {
    double[] s = new double[counts.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = counts[i] / (double) total;
    }
    return s;
  }

  // ------------------------------------------------------------------ count-based tests

  private record Counts(
      long[] ref, long[] cur, double[] p, double[] q, double errP, double errQ, boolean exact) {}

  /**
   * Category counts over the union of the categories either side tracks, with each side's
   * per-category share error (0 while counts are exact). Categories an overflowing sketch no longer
   * tracks are absent; each of them holds at most that side's count error.
   */
  private static Counts categoryShares(FeatureProfile r, FeatureProfile c) {
    CategoryCounts kr =
        r.type() == ColumnType.CATEGORICAL ? r.categoryCounts() : r.distinctValues();
    CategoryCounts kc =
        c.type() == ColumnType.CATEGORICAL ? c.categoryCounts() : c.distinctValues();
    if (kr == null || kc == null) {
      throw new IllegalArgumentException(
          "value counts: more than "
              + FeatureProfile.MAX_TRACKED_DISTINCT
              + " distinct values (expected: a column with few values)");
    }
    long errR = r.type() == ColumnType.CATEGORICAL ? r.categoryCountError() : 0;
    long errC = c.type() == ColumnType.CATEGORICAL ? c.categoryCountError() : 0;
    CategoryCounts.Aligned a = CategoryCounts.align(kr, kc);
    return new Counts(
        a.reference(),
        a.current(),
        shares(a.reference(), r.count()),
        shares(a.current(), c.count()),
        errR / (double) r.count(),
        errC / (double) c.count(),
        errR == 0 && errC == 0);
  }

  private static DriftResult counted(
      DriftMethod method, FeatureProfile r, FeatureProfile c, DriftOptions options) {
    Counts k = categoryShares(r, c);
    switch (method.name()) {
      case "chisquare" -> {
        CountTests.ChiSquare x = CountTests.chiSquare(k.ref, k.cur);
        return method.decide(
            x.statistic(),
            x.pValue(),
            x.cramersV(),
            k.exact ? 0 : Double.POSITIVE_INFINITY,
            options);
      }
      case "z" -> {
        CountTests.Z z = CountTests.z(k.ref, k.cur);
        return method.decide(
            z.z(), z.pValue(), z.cohensH(), k.exact ? 0 : Double.POSITIVE_INFINITY, options);
      }
      default -> {
        double d = Divergences.lInfinity(k.p, k.q);
        return method.decide(d, Double.NaN, d, k.errP + k.errQ, options);
      }
    }
  }
}
