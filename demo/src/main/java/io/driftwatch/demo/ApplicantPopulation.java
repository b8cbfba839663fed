package io.driftwatch.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The distribution credit applications are drawn from: the training population ({@link
 * #baseline()}) and the shifted one the demo drifts to ({@link #drifted()}).
 *
 * <p>Baseline marginals (features are drawn independently):
 *
 * <ul>
 *   <li>{@code age}: normal, mean 41, sd 12, rounded to whole years, clipped to 18..90;
 *   <li>{@code income}: log-normal, median 52 000, log-sd 0.5, rounded to whole units;
 *   <li>{@code credit_score}: normal, mean 680, sd 60, rounded, clipped to 300..850;
 *   <li>{@code tenure_months}: exponential, mean 36, rounded, clipped to 0..600;
 *   <li>{@code debt_ratio}: Beta(2, 5) (mean 0.286), rounded to 3 decimals;
 *   <li>{@code country}: US 50%, DE 20%, IN 15%, BR 10%, JP 5%;
 *   <li>{@code device}: mobile 55%, desktop 35%, tablet 10%.
 * </ul>
 *
 * <p>The drifted population multiplies the income median by {@value #DRIFT_INCOME_FACTOR} and moves
 * country shares to US 25% and IN 45%, the other countries keeping their relative shares of the
 * remaining 30%; every other feature keeps its baseline distribution. Instances are immutable and
 * thread-safe; randomness comes from the caller's generator, so a seeded generator reproduces a
 * sample exactly.
 */
public final class ApplicantPopulation {

  /** Baseline income median, currency units. */
  public static final double BASELINE_INCOME_MEDIAN = 52_000.0;

  /** Factor the drifted population applies to the income median. */
  public static final double DRIFT_INCOME_FACTOR = 1.6;

  /** Standard deviation of {@code ln(income)}. */
  static final double LOG_INCOME_SD = 0.5;

  static final double AGE_MEAN = 41.0;
  static final double AGE_SD = 12.0;
  static final double AGE_MIN = 18.0;
  static final double AGE_MAX = 90.0;
  static final double CREDIT_SCORE_MEAN = 680.0;
  static final double CREDIT_SCORE_SD = 60.0;
  static final long CREDIT_SCORE_MIN = 300;
  static final long CREDIT_SCORE_MAX = 850;
  static final double TENURE_MEAN = 36.0;
  static final long TENURE_MAX = 600;
  static final int DEBT_RATIO_ALPHA = 2;
  static final int DEBT_RATIO_BETA = 5;

  private static final ApplicantPopulation BASELINE =
      new ApplicantPopulation(
          "baseline",
          BASELINE_INCOME_MEDIAN,
          shares("US", 0.50, "DE", 0.20, "IN", 0.15, "BR", 0.10, "JP", 0.05));

  private static final ApplicantPopulation DRIFTED =
      new ApplicantPopulation(
          "drifted",
          BASELINE_INCOME_MEDIAN * DRIFT_INCOME_FACTOR,
          // DE, BR and JP shared 35% at baseline; they keep their 4:2:1 ratio within 30%.
          shares("US", 0.25, "DE", 0.60 / 3.5, "IN", 0.45, "BR", 0.30 / 3.5, "JP", 0.15 / 3.5));

  private static final Map<String, Double> DEVICE_SHARES =
      shares("mobile", 0.55, "desktop", 0.35, "tablet", 0.10);

  private final String name;
  private final double incomeMedian;
  private final Map<String, Double> countryShares;

  private ApplicantPopulation(String name, double incomeMedian, Map<String, Double> countryShares) {
    this.name = name;
    this.incomeMedian = incomeMedian;
    this.countryShares = countryShares;
  }

  /** Returns the population the model was trained on. */
  public static ApplicantPopulation baseline() {
    return BASELINE;
  }

  /** Returns the population after the demo's drift: richer applicants, more of them from IN. */
  public static ApplicantPopulation drifted() {
    return DRIFTED;
  }

  /** Returns {@code "baseline"} or {@code "drifted"}. */
  public String name() {
    return name;
  }

  /** Returns the median income, currency units. */
  public double incomeMedian() {
    return incomeMedian;
  }

  /** Returns the country shares (summing to 1), in category order. */
  public Map<String, Double> countryShares() {
    return countryShares;
  }

  /** Returns the device shares (summing to 1), in category order. */
  public Map<String, Double> deviceShares() {
    return DEVICE_SHARES;
  }

  /**
   * Draws one application.
   *
   * @param random the source of randomness; not thread-safe generators must not be shared
   */
  public Applicant sample(RandomGenerator random) {
    double age = clamp(Math.rint(AGE_MEAN + AGE_SD * random.nextGaussian()), AGE_MIN, AGE_MAX);
    double income = Math.rint(incomeMedian * Math.exp(LOG_INCOME_SD * random.nextGaussian()));
    long creditScore =
        clamp(
            Math.round(CREDIT_SCORE_MEAN + CREDIT_SCORE_SD * random.nextGaussian()),
            CREDIT_SCORE_MIN,
            CREDIT_SCORE_MAX);
    long tenure = clamp(Math.round(TENURE_MEAN * random.nextExponential()), 0, TENURE_MAX);
    double debtRatio = Math.rint(1000 * beta(random)) / 1000;
    String country = pick(countryShares, random.nextDouble());
    String device = pick(DEVICE_SHARES, random.nextDouble());
    return new Applicant(age, income, creditScore, tenure, debtRatio, country, device);
  }

  /**
   * Beta(a, b) for integer shapes as G(a) / (G(a) + G(b)), each gamma a sum of unit exponentials:
   * exact, and cheaper than a general gamma sampler for shapes this small.
   */
  private static double beta(RandomGenerator random) {
    double a = 0;
    for (int i = 0; i < DEBT_RATIO_ALPHA; i++) {
      a += random.nextExponential();
    }
    double b = 0;
    for (int i = 0; i < DEBT_RATIO_BETA; i++) {
      b += random.nextExponential();
    }
    return a / (a + b);
  }

  private static String pick(Map<String, Double> shares, double u) {
    double cumulative = 0;
    String last = null;
    for (Map.Entry<String, Double> e : shares.entrySet()) {
      cumulative += e.getValue();
      last = e.getKey();
      if (u < cumulative) {
        return last;
      }
    }
    // Rounding can leave the cumulative sum a hair under 1.
    return last;
  }

  private static Map<String, Double> shares(
      String a, double pa, String b, double pb, String c, double pc) {
    return shares(new String[] {a, b, c}, new double[] {pa, pb, pc});
  }

  private static Map<String, Double> shares(
      String a,
      double pa,
      String b,
      double pb,
      String c,
      double pc,
      String d,
      double pd,
      String e,
      double pe) {
    return shares(new String[] {a, b, c, d, e}, new double[] {pa, pb, pc, pd, pe});
  }

  private static Map<String, Double> shares(String[] categories, double[] shares) {
    Map<String, Double> map = new LinkedHashMap<>();
    double total = 0;
    for (int i = 0; i < categories.length; i++) {
      map.put(categories[i], shares[i]);
      total += shares[i];
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new IllegalArgumentException("shares: " + map + " sum to " + total + " (expected: 1)");
    }
    return Collections.unmodifiableMap(map);
  }

  private static double clamp(double x, double min, double max) {
    return Math.max(min, Math.min(max, x));
  }

  private static long clamp(long x, long min, long max) {
    return Math.max(min, Math.min(max, x));
  }

  /** Returns a one-line summary, e.g. for logs: name, income median and country shares. */
  @Override
  public String toString() {
    StringBuilder countries = new StringBuilder();
    countryShares.forEach(
        (country, share) ->
            countries
                .append(countries.length() == 0 ? "" : " ")
                .append(country)
                .append(' ')
                .append(String.format(Locale.ROOT, "%.1f%%", 100 * share)));
    return String.format(
        Locale.ROOT, "%s: income median %.0f, country %s", name, incomeMedian, countries);
  }
}
