package io.driftwatch.demo;

import java.util.Objects;

/**
 * One credit application: the seven raw features the credit-risk model scores.
 *
 * <p>Values are taken as given: the model standardizes them, so out-of-range or non-finite values
 * produce a (possibly NaN) score rather than an exception, and an unknown {@code country} or {@code
 * device} contributes nothing (its one-hot block is all zeros).
 *
 * @param age years
 * @param income yearly income, currency units
 * @param creditScore FICO-like score, normally 300..850
 * @param tenureMonths months as a customer
 * @param debtRatio monthly debt payments over monthly income, normally 0..1
 * @param country ISO 3166-1 alpha-2 code, e.g. {@code "US"}
 * @param device the channel the application came from: {@code mobile}, {@code desktop}, {@code
 *     tablet}
 */
public record Applicant(
    double age,
    double income,
    long creditScore,
    long tenureMonths,
    double debtRatio,
    String country,
    String device) {

  /**
   * Checks the categorical values are present.
   *
   * @throws NullPointerException if {@code country} or {@code device} is null
   */
  public Applicant {
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(device, "device");
  }
}
