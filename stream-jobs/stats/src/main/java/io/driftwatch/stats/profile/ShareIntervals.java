package io.driftwatch.stats.profile;

import io.driftwatch.stats.drift.Divergences;

/**
 * Where the exact, zero-filled bin shares of one side of a comparison can lie when only a KLL
 * sketch's PMF over those bins is known, and the range psi and kl_div take over two such boxes: the
 * error bound of sketched psi and kl_div.
 *
 * <p>A bin's true share is {@code count / n}: 0 or at least 1/n, and within the per-bin PMF error e
 * of the sketched share ŝ (at the sketch's 99% confidence). ŝ &gt; 0 means the sketch's sorted view
 * holds a value of the bin (a retained item, or the exact min or max it adds), so the true share is
 * not 0 then; the exact min and max say which bins are certainly empty (outside [min, max]) or
 * certainly not (holding min or max). Evidently's zero filling turns a true 0 into {@link
 * Divergences#zeroFill} of the true smallest non-zero share, which lies between the fills of the
 * smallest and the largest value that smallest share can take.
 *
 * <p>Both per-bin terms, (q − p)·ln(q/p) for psi and p·ln(p/q) for kl_div, are jointly convex on
 * (0, 1]², so their maximum over a box is at a corner; their minimum is 0 where the box meets the
 * diagonal p = q (psi), else at the corner nearest to it, and at q = q_high, p = q_high/e clipped
 * to the p interval (kl_div, decreasing in q, minimal at p = q/e in p). Summing per-bin extremes
 * gives an interval that holds the exact statistic: coupling between bins (shares sum to 1, rank
 * errors telescope) is ignored, so the bound is safe but loose, and widest where shares are small.
 */
final class ShareIntervals {

  private final double[] low;
  private final double[] high;
  private final int possiblyEmpty;
  private final double fillHigh;

  private ShareIntervals(double[] low, double[] high, int possiblyEmpty, double fillHigh) {
    this.low = low;
    this.high = high;
    this.possiblyEmpty = possiblyEmpty;
    this.fillHigh = fillHigh;
  }

  /**
   * The box of one side's exact zero-filled shares.
   *
   * @param sketched the sketch's share of each bin (the exact share when {@code error} is 0)
   * @param error the per-bin share error ({@link FeatureProfile#pmfError()}), 0 for exact counts
   * @param n the number of values on this side, &gt; 0
   * @param knownEmpty bins that certainly hold no value (outside [min, max])
   * @param knownOccupied bins that certainly hold a value (the one holding min or max)
   */
  static ShareIntervals of(
      double[] sketched, double error, long n, boolean[] knownEmpty, boolean[] knownOccupied) {
    int bins = sketched.length;
    double unit = 1.0 / n;
    boolean[] canBeEmpty = new boolean[bins];
    boolean[] canBeOccupied = new boolean[bins];
    double[] occupiedLow = new double[bins];
    double[] occupiedHigh = new double[bins];
    // the true smallest non-zero share lies in [smallestLow, smallestHigh]
    double smallestLow = Double.POSITIVE_INFINITY;
    double smallestHigh = Double.POSITIVE_INFINITY;
    for (int i = 0; i < bins; i++) {
      double s = sketched[i];
      boolean occupied = s > 0 || knownOccupied[i];
      canBeEmpty[i] = !occupied;
      occupiedLow[i] = Math.max(s - error, unit);
      occupiedHigh[i] = Math.max(Math.min(s + error, 1.0), occupiedLow[i]);
      canBeOccupied[i] = occupied || (!knownEmpty[i] && s + error >= unit);
      if (canBeOccupied[i]) {
        smallestLow = Math.min(smallestLow, occupiedLow[i]);
      }
      if (occupied) {
        smallestHigh = Math.min(smallestHigh, occupiedHigh[i]);
      }
    }
    double fillLow = Divergences.zeroFill(smallestLow);
    double fillHigh = Divergences.zeroFill(Math.min(1.0, smallestHigh));
    double[] low = new double[bins];
    double[] high = new double[bins];
    int possiblyEmpty = 0;
    for (int i = 0; i < bins; i++) {
      low[i] = Double.POSITIVE_INFINITY;
      high[i] = Double.NEGATIVE_INFINITY;
      if (canBeEmpty[i]) {
        low[i] = fillLow;
        high[i] = fillHigh;
        possiblyEmpty++;
      }
      if (canBeOccupied[i]) {
        low[i] = Math.min(low[i], occupiedLow[i]);
        high[i] = Math.max(high[i], occupiedHigh[i]);
      }
    }
    return new ShareIntervals(low, high, possiblyEmpty, fillHigh);
  }

  /**
   * The box of the shares renormalised to sum 1, as {@code scipy.stats.entropy} does: the filled
   * shares sum to 1 plus the fills, between 1 and 1 + (possibly empty bins) × the largest fill.
   */
  ShareIntervals normalized() {
    double maxSum = 1.0 + possiblyEmpty * fillHigh;
    double[] lo = new double[low.length];
    double[] hi = new double[high.length];
    for (int i = 0; i < lo.length; i++) {
      lo[i] = low[i] / maxSum;
      hi[i] = Math.min(1.0, high[i]);
    }
    return new ShareIntervals(lo, hi, possiblyEmpty, fillHigh);
  }

  double low(int bin) {
    return low[bin];
  }

  double high(int bin) {
    return high[bin];
  }

  int bins() {
    return low.length;
  }

  /** The interval [low, high] a statistic over the boxes can take. */
  record Range(double low, double high) {

    /**
     * The largest distance from {@code statistic} to a value of the range, plus a rounding
     * allowance of 1e-12 relative.
     */
    double boundAround(double statistic) {
      double rounding = 1e-12 * (1 + Math.abs(low) + Math.abs(high));
      return Math.max(high - statistic, statistic - low) + rounding;
    }
  }

  /**
   * Range of Σ (ref − cur)·ln(ref/cur) over the two boxes (zero-filled shares, not renormalised).
   */
  static Range psi(ShareIntervals reference, ShareIntervals current) {
    check(reference, current);
    double min = 0;
    double max = 0;
    for (int i = 0; i < reference.bins(); i++) {
      double pLo = reference.low[i];
      double pHi = reference.high[i];
      double qLo = current.low[i];
      double qHi = current.high[i];
      if (pHi < qLo) {
        min += psiTerm(pHi, qLo);
      } else if (qHi < pLo) {
        min += psiTerm(pLo, qHi);
      }
      max +=
          Math.max(
              Math.max(psiTerm(pLo, qLo), psiTerm(pLo, qHi)),
              Math.max(psiTerm(pHi, qLo), psiTerm(pHi, qHi)));
    }
    return new Range(min, max);
  }

  /** Range of Σ p·ln(p/q) over the two boxes; pass {@link #normalized()} boxes for scipy's KL. */
  static Range klDiv(ShareIntervals p, ShareIntervals q) {
    check(p, q);
    double min = 0;
    double max = 0;
    for (int i = 0; i < p.bins(); i++) {
      double pLo = p.low[i];
      double pHi = p.high[i];
      double qLo = q.low[i];
      double qHi = q.high[i];
      double argmin = Math.min(pHi, Math.max(pLo, qHi / Math.E));
      min += klTerm(argmin, qHi);
      max +=
          Math.max(
              Math.max(klTerm(pLo, qLo), klTerm(pLo, qHi)),
              Math.max(klTerm(pHi, qLo), klTerm(pHi, qHi)));
    }
    return new Range(min, max);
  }

  private static double psiTerm(double p, double q) {
    return (p - q) * Math.log(p / q);
  }

  private static double klTerm(double p, double q) {
    return p * Math.log(p / q);
  }

  private static void check(ShareIntervals a, ShareIntervals b) {
    if (a.bins() != b.bins()) {
      throw new IllegalArgumentException(
          "share intervals: " + a.bins() + ", " + b.bins() + " bins (expected: equal)");
    }
  }
}
