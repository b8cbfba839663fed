package io.driftwatch.jobs.drift;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the monitor job's drift, data-quality and prediction-drift branch, validated at
 * construction.
 *
 * @param enabled whether the branch runs at all
 * @param window length of a drift window (event time)
 * @param slide how often a window is evaluated; equal to {@code window} for tumbling windows,
 *     smaller for sliding ones ({@code window} must be a whole multiple of it). Records are
 *     pre-aggregated in panes of one slide, so a sliding window costs one merge per pane, not one
 *     update per record and window
 * @param referenceRecords without a published reference, the first this many records of a model
 *     version become its reference (kept in checkpointed state); 0 turns that off, so only
 *     published references are used. Evidently picks p-value tests for references of at most 1000
 *     values and distances above, so this knob also chooses the family of default methods
 * @param buckets pre-aggregation buckets per model version: records of one version are spread over
 *     this many keys (by prediction id), profiled in parallel and merged per window, so one hot
 *     model uses every subtask; 0 means four per unit of job parallelism
 * @param minWindowRecords a column with fewer non-missing values than this in a window gets
 *     data-quality ratios but no drift verdict ("insufficient data")
 * @param minEffectSize the practical-significance gate: a p-value test reports drift only when its
 *     effect size is at least this (KS D for ks, Cramér's V for chisquare; Cohen's h for z at twice
 *     this, the same effect for equal sample sizes); distances are gated on themselves, which their
 *     own 0.1 threshold already does. NaN turns the gate off (Evidently's decisions exactly)
 * @param driftShare the dataset drifts when at least this share of the tested input columns drift
 *     (Evidently's {@code drift_share})
 */
public record DriftConfig(
    boolean enabled,
    Duration window,
    Duration slide,
    long referenceRecords,
    int buckets,
    long minWindowRecords,
    double minEffectSize,
    double driftShare)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Default window: 5 minutes, tumbling. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  /** Default size of a bootstrapped reference: Evidently's boundary between tests and distances. */
  public static final long DEFAULT_REFERENCE_RECORDS = 1000;

  /** Default minimum of non-missing values for a drift verdict. */
  public static final long DEFAULT_MIN_WINDOW_RECORDS = 100;

  /**
   * Default practical-significance gate. 0.1 is Evidently's distance threshold and, for the effect
   * sizes of its p-value tests, a small effect (KS D 0.1; Cramér's V 0.1 is Cohen's "small"), so a
   * bootstrapped 1000-record reference does not alarm on sampling noise in every twentieth window,
   * as an ungated test at p &lt; 0.05 would.
   */
  public static final double DEFAULT_MIN_EFFECT_SIZE = 0.1;

  /** Validates every field. */
  public DriftConfig {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(slide, "slide");
    if (window.isNegative() || window.toMillis() < 1) {
      throw new IllegalArgumentException("drift window: " + window + " (expected: >= 1 ms)");
    }
    if (slide.isNegative() || slide.toMillis() < 1 || slide.compareTo(window) > 0) {
      throw new IllegalArgumentException(
          "drift slide: " + slide + " (expected: >= 1 ms and <= the window, " + window + ")");
    }
    if (window.toMillis() % slide.toMillis() != 0) {
      throw new IllegalArgumentException(
          "drift slide: " + slide + " (expected: a divisor of the window, " + window + ")");
    }
    if (referenceRecords < 0) {
      throw new IllegalArgumentException(
          "drift referenceRecords: " + referenceRecords + " (expected: >= 0)");
    }
    if (buckets < 0) {
      throw new IllegalArgumentException(
          "drift buckets: " + buckets + " (expected: >= 0, 0 for 4 x parallelism)");
    }
    if (minWindowRecords < 1) {
      throw new IllegalArgumentException(
          "drift minWindowRecords: " + minWindowRecords + " (expected: >= 1)");
    }
    if (!Double.isNaN(minEffectSize) && !(minEffectSize >= 0 && Double.isFinite(minEffectSize))) {
      throw new IllegalArgumentException(
          "drift minEffectSize: " + minEffectSize + " (expected: finite and >= 0, or NaN for off)");
    }
    if (!(driftShare >= 0 && driftShare <= 1)) {
      throw new IllegalArgumentException(
          "drift driftShare: " + driftShare + " (expected: in [0, 1])");
    }
  }

  /**
   * The defaults: enabled, 5-minute tumbling windows, first 1000 records as the reference when none
   * is published, automatic buckets, 100 values for a verdict, gate 0.1, dataset drift share 0.5.
   */
  public static DriftConfig defaults() {
    return new DriftConfig(
        true,
        DEFAULT_WINDOW,
        DEFAULT_WINDOW,
        DEFAULT_REFERENCE_RECORDS,
        0,
        DEFAULT_MIN_WINDOW_RECORDS,
        DEFAULT_MIN_EFFECT_SIZE,
        0.5);
  }

  /** A copy with the branch on or off. */
  public DriftConfig withEnabled(boolean on) {
    return new DriftConfig(
        on, window, slide, referenceRecords, buckets, minWindowRecords, minEffectSize, driftShare);
  }

  /** A copy with tumbling windows of {@code size}. */
  public DriftConfig withTumblingWindow(Duration size) {
    return withSlidingWindow(size, size);
  }

  /** A copy with windows of {@code size} evaluated every {@code every}. */
  public DriftConfig withSlidingWindow(Duration size, Duration every) {
    return new DriftConfig(
        enabled,
        size,
        every,
        referenceRecords,
        buckets,
        minWindowRecords,
        minEffectSize,
        driftShare);
  }

  /** A copy with another bootstrapped reference size (0: published references only). */
  public DriftConfig withReferenceRecords(long n) {
    return new DriftConfig(
        enabled, window, slide, n, buckets, minWindowRecords, minEffectSize, driftShare);
  }

  /** A copy with another number of pre-aggregation buckets (0: automatic). */
  public DriftConfig withBuckets(int b) {
    return new DriftConfig(
        enabled, window, slide, referenceRecords, b, minWindowRecords, minEffectSize, driftShare);
  }

  /** A copy with another minimum of values per drift verdict. */
  public DriftConfig withMinWindowRecords(long n) {
    return new DriftConfig(
        enabled, window, slide, referenceRecords, buckets, n, minEffectSize, driftShare);
  }

  /** A copy with another practical-significance gate (NaN: off). */
  public DriftConfig withMinEffectSize(double m) {
    return new DriftConfig(
        enabled, window, slide, referenceRecords, buckets, minWindowRecords, m, driftShare);
  }

  /** A copy with another dataset drift share. */
  public DriftConfig withDriftShare(double share) {
    return new DriftConfig(
        enabled, window, slide, referenceRecords, buckets, minWindowRecords, minEffectSize, share);
  }

  /** Whether windows are tumbling (evaluated once per window length). */
  public boolean tumbling() {
    return window.equals(slide);
  }

  /** The buckets to use at {@code parallelism}: the configured number, or 4 × parallelism. */
  public int bucketsFor(int parallelism) {
    return buckets > 0 ? buckets : Math.max(1, 4 * parallelism);
  }
}
