package io.driftwatch.demo;

import static io.driftwatch.demo.SampleStats.Z;
import static io.driftwatch.demo.SampleStats.column;
import static io.driftwatch.demo.SampleStats.mean;
import static io.driftwatch.demo.SampleStats.median;
import static io.driftwatch.demo.SampleStats.sd;
import static io.driftwatch.demo.SampleStats.se;
import static io.driftwatch.demo.SampleStats.share;
import static io.driftwatch.demo.SampleStats.shareSe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ApplicantPopulationTest {

  private static final int N = 20_000;

  @Test
  void baselineMatchesTheDocumentedMarginals() {
    List<Applicant> sample = sample(ApplicantPopulation.baseline(), 1);

    double[] age = column(sample, Applicant::age);
    assertThat(boxed(age))
        .allSatisfy(a -> assertThat(a).isBetween(18.0, 90.0).isEqualTo(Math.rint(a)));
    // Clipping moves neither the median nor (above 18) the shape: median 41, and the mass below
    // 18.5 piles up at 18: P(41 + 12 Z < 18.5) = Phi(-1.875) = 0.0304 (scipy.stats.norm.cdf).
    assertThat(median(age)).isCloseTo(41, within(1.0));
    assertThat(share(sample, a -> a.age() == 18)).isCloseTo(0.0304, within(Z * shareSe(0.0304, N)));

    double[] logIncome = column(sample, a -> Math.log(a.income()));
    // The sample median's standard error is sqrt(pi / 2) sd / sqrt(n) for a normal variable.
    assertThat(median(logIncome))
        .isCloseTo(Math.log(52_000), within(Z * Math.sqrt(Math.PI / 2) * 0.5 / Math.sqrt(N)));
    assertThat(sd(logIncome)).isCloseTo(0.5, within(Z * 0.5 / Math.sqrt(2.0 * N)));

    double[] score = column(sample, a -> a.creditScore());
    assertThat(boxed(score)).allSatisfy(s -> assertThat(s).isBetween(300.0, 850.0));
    assertThat(mean(score)).isCloseTo(680, within(Z * se(score)));

    double[] tenure = column(sample, a -> a.tenureMonths());
    assertThat(boxed(tenure)).allSatisfy(t -> assertThat(t).isBetween(0.0, 600.0));
    assertThat(mean(tenure)).isCloseTo(36, within(Z * se(tenure)));

    double[] debt = column(sample, Applicant::debtRatio);
    assertThat(boxed(debt)).allSatisfy(d -> assertThat(d).isBetween(0.0, 1.0));
    // Beta(2, 5): mean 2/7, sd sqrt(2 * 5 / (7^2 * 8)).
    assertThat(mean(debt)).isCloseTo(2.0 / 7, within(Z * Math.sqrt(10.0 / 392) / Math.sqrt(N)));

    assertShares(
        sample, Applicant::country, Map.of("US", .50, "DE", .20, "IN", .15, "BR", .10, "JP", .05));
    assertShares(sample, Applicant::device, Map.of("mobile", .55, "desktop", .35, "tablet", .10));
  }

  @Test
  void driftedMovesIncomeAndCountryOnly() {
    ApplicantPopulation drifted = ApplicantPopulation.drifted();
    List<Applicant> sample = sample(drifted, 2);

    assertThat(drifted.incomeMedian()).isEqualTo(52_000 * 1.6);
    assertThat(median(column(sample, a -> Math.log(a.income()))))
        .isCloseTo(Math.log(83_200), within(Z * Math.sqrt(Math.PI / 2) * 0.5 / Math.sqrt(N)));
    assertShares(
        sample,
        Applicant::country,
        Map.of("US", .25, "DE", .6 / 3.5, "IN", .45, "BR", .3 / 3.5, "JP", .15 / 3.5));
    assertShares(sample, Applicant::device, Map.of("mobile", .55, "desktop", .35, "tablet", .10));
    double[] age = column(sample, Applicant::age);
    assertThat(median(age)).isCloseTo(41, within(1.0));
    double[] score = column(sample, a -> a.creditScore());
    assertThat(mean(score)).isCloseTo(680, within(Z * se(score)));
  }

  @Test
  void sharesSumToOne() {
    for (ApplicantPopulation p :
        List.of(ApplicantPopulation.baseline(), ApplicantPopulation.drifted())) {
      assertThat(p.countryShares().values().stream().mapToDouble(Double::doubleValue).sum())
          .isCloseTo(1.0, within(1e-12));
      assertThat(p.deviceShares().values().stream().mapToDouble(Double::doubleValue).sum())
          .isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void aSeedReproducesTheSample() {
    assertThat(sample(ApplicantPopulation.baseline(), 5))
        .isEqualTo(sample(ApplicantPopulation.baseline(), 5))
        .isNotEqualTo(sample(ApplicantPopulation.baseline(), 6));
  }

  @Test
  void describesItself() {
    assertThat(ApplicantPopulation.drifted())
        .hasToString(
            "drifted: income median 83200, country US 25.0% DE 17.1% IN 45.0% BR 8.6% JP 4.3%");
  }

  private static List<Double> boxed(double[] x) {
    return Arrays.stream(x).boxed().toList();
  }

  private static List<Applicant> sample(ApplicantPopulation population, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Applicant> sample = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      sample.add(population.sample(random));
    }
    return sample;
  }

  private static void assertShares(
      List<Applicant> sample,
      java.util.function.Function<Applicant, String> category,
      Map<String, Double> expected) {
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      assertThat(share(sample, a -> category.apply(a).equals(e.getKey())))
          .as("share of %s", e.getKey())
          .isCloseTo(e.getValue(), within(Z * shareSe(e.getValue(), sample.size())));
    }
  }
}
