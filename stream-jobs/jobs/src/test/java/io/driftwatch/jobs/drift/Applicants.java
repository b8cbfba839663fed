package io.driftwatch.jobs.drift;

import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Value;
import java.util.SplittableRandom;

/**
 * The demo's credit applications, for tests: the same marginals as the demo module's {@code
 * ApplicantPopulation} (which this module cannot depend on), and a score that depends on income, so
 * that the demo's income shift also moves the model's output (prediction drift).
 *
 * <p>Baseline: age N(41, 12) rounded, clipped 18..90; income log-normal, median 52 000, log-sd 0.5,
 * rounded; credit_score N(680, 60) rounded, clipped 300..850; tenure_months Exp(mean 36) rounded,
 * clipped 0..600; debt_ratio Beta(2, 5) to 3 decimals; country US 50 / DE 20 / IN 15 / BR 10 / JP 5
 * %; device mobile 55 / desktop 35 / tablet 10 %. Drifted: income median × 1.6; country US 25 / IN
 * 45 %, DE/BR/JP keeping 4:2:1 within the other 30 %.
 */
final class Applicants {
  static final String[] INPUTS = {
    "age", "income", "credit_score", "tenure_months", "debt_ratio", "country", "device"
  };
  static final String[] SHIFTED = {"income", "country"};

  private static final String[] COUNTRIES = {"US", "DE", "IN", "BR", "JP"};
  private static final double[] BASELINE_COUNTRY = {0.50, 0.20, 0.15, 0.10, 0.05};
  private static final double[] DRIFTED_COUNTRY = {0.25, 0.60 / 3.5, 0.45, 0.30 / 3.5, 0.15 / 3.5};
  private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  private static final double[] DEVICE = {0.55, 0.35, 0.10};

  private final SplittableRandom random;
  private long next;

  Applicants(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** One prediction record of model {@code model/version} at {@code millis}. */
  PredictionRecord record(String model, String version, long millis, boolean drifted) {
    double age = clamp(Math.rint(41 + 12 * gaussian()), 18, 90);
    double income = Math.rint((drifted ? 52_000 * 1.6 : 52_000) * Math.exp(0.5 * gaussian()));
    double score = clamp(Math.rint(680 + 60 * gaussian()), 300, 850);
    double tenure = clamp(Math.rint(-36 * Math.log(1 - random.nextDouble())), 0, 600);
    double debt = Math.rint(1000 * beta()) / 1000;
    String country = pick(COUNTRIES, drifted ? DRIFTED_COUNTRY : BASELINE_COUNTRY);
    String device = pick(DEVICES, DEVICE);
    double logit = -0.4 - 1.6 * (Math.log(income) - Math.log(52_000)) / 0.5 - (score - 680) / 120;
    double probability = 1 / (1 + Math.exp(-logit));
    return PredictionRecord.newBuilder()
        .setSchemaVersion(Records.SCHEMA_VERSION)
        .setPredictionId(model + "-" + version + "-" + next++)
        .setModel(model)
        .setModelVersion(version)
        .setTimestampMicros(millis * 1000)
        .setLatencyMicros(2000)
        .setStatusCode(200)
        .putFeatures("age", number(age))
        .putFeatures("income", number(income))
        .putFeatures("credit_score", number(score))
        .putFeatures("tenure_months", number(tenure))
        .putFeatures("debt_ratio", number(debt))
        .putFeatures("country", text(country))
        .putFeatures("device", text(device))
        .putOutputs("probability", number(probability))
        .putOutputs("label", text(probability >= 0.5 ? "decline" : "approve"))
        .build();
  }

  /** The projection the drift branch sees. */
  Observation observation(boolean drifted, int buckets) {
    return Observation.of(record("credit-risk", "1", 0, drifted), buckets, 0);
  }

  static Value number(double v) {
    return Value.newBuilder().setNumber(v).build();
  }

  static Value text(String s) {
    return Value.newBuilder().setText(s).build();
  }

  private double gaussian() {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private double beta() {
    double a = -Math.log(1 - random.nextDouble()) - Math.log(1 - random.nextDouble());
    double b = 0;
    for (int i = 0; i < 5; i++) {
      b -= Math.log(1 - random.nextDouble());
    }
    return a / (a + b);
  }

  private String pick(String[] values, double[] shares) {
    double u = random.nextDouble();
    double c = 0;
    for (int i = 0; i < values.length; i++) {
      c += shares[i];
      if (u < c) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }
}
