package io.driftwatch.demo;

import static io.driftwatch.demo.SampleStats.Z;
import static io.driftwatch.demo.SampleStats.column;
import static io.driftwatch.demo.SampleStats.ks;
import static io.driftwatch.demo.SampleStats.ksCritical;
import static io.driftwatch.demo.SampleStats.mean;
import static io.driftwatch.demo.SampleStats.sd;
import static io.driftwatch.demo.SampleStats.share;
import static io.driftwatch.demo.SampleStats.shareSe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request schedule the traffic generator sends, read back from the request bodies. */
class TrafficPlanTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** 1000 requests/s with drift at +10 s: requests 0..9999 before, 10000..19999 after. */
  private static final int PER_SIDE = 10_000;

  private static List<Row> before;
  private static List<Row> after;
  private static List<TrafficPlan.Planned> planned;

  /** One request body as the server would see it: feature name to JSON value. */
  record Row(Map<String, JsonNode> values) {
    double number(String feature) {
      return values.get(feature).doubleValue();
    }

    String text(String feature) {
      return values.get(feature).asText();
    }
  }

  @BeforeAll
  static void plan() throws IOException {
    TrafficPlan plan = new TrafficPlan(42, 1000, 10_000_000_000L, 0.0);
    planned = new ArrayList<>();
    before = new ArrayList<>();
    after = new ArrayList<>();
    for (int i = 0; i < 2 * PER_SIDE; i++) {
      TrafficPlan.Planned p = plan.next();
      planned.add(p);
      (i < PER_SIDE ? before : after).add(parse(p.body()));
    }
  }

  @Test
  void theDriftSwitchIsTheScheduledOffset() {
    for (TrafficPlan.Planned p : planned) {
      assertThat(p.offsetNanos()).isEqualTo(p.index() * 1_000_000L);
      assertThat(p.drifted()).as("request %d", p.index()).isEqualTo(p.index() >= PER_SIDE);
    }
  }

  @Test
  void incomeShiftsByTheAnnouncedFactor() {
    double[] x = column(before, r -> Math.log(r.number("income")));
    double[] y = column(after, r -> Math.log(r.number("income")));
    // Difference of mean log-incomes estimates ln(1.6); its standard error is
    // sqrt(s_x^2 / n + s_y^2 / m).
    double se = Math.sqrt(sq(sd(x)) / x.length + sq(sd(y)) / y.length);
    assertThat(mean(y) - mean(x)).isCloseTo(Math.log(1.6), within(Z * se));
    assertThat(ks(x, y)).isGreaterThan(ksCritical(x.length, y.length));
  }

  @Test
  void countrySharesShiftAsAnnounced() {
    Map<String, double[]> expected = new HashMap<>();
    expected.put("US", new double[] {.50, .25});
    expected.put("DE", new double[] {.20, .6 / 3.5});
    expected.put("IN", new double[] {.15, .45});
    expected.put("BR", new double[] {.10, .3 / 3.5});
    expected.put("JP", new double[] {.05, .15 / 3.5});
    expected.forEach(
        (country, shares) -> {
          assertThat(share(before, r -> r.text("country").equals(country)))
              .as("%s before", country)
              .isCloseTo(shares[0], within(Z * shareSe(shares[0], PER_SIDE)));
          assertThat(share(after, r -> r.text("country").equals(country)))
              .as("%s after", country)
              .isCloseTo(shares[1], within(Z * shareSe(shares[1], PER_SIDE)));
        });
  }

  @Test
  void everyOtherFeatureKeepsItsDistribution() {
    for (String feature : List.of("age", "credit_score", "tenure_months", "debt_ratio")) {
      ToDoubleFunction<Row> value = r -> r.number(feature);
      double[] x = column(before, value);
      double[] y = column(after, value);
      double se = Math.sqrt(sq(sd(x)) / x.length + sq(sd(y)) / y.length);
      assertThat(mean(y) - mean(x)).as("%s mean shift", feature).isCloseTo(0, within(Z * se));
      assertThat(ks(x, y)).as("%s KS", feature).isLessThan(ksCritical(x.length, y.length));
    }
    for (String device : List.of("mobile", "desktop", "tablet")) {
      double p = share(before, r -> r.text("device").equals(device));
      double q = share(after, r -> r.text("device").equals(device));
      double pooled = (p + q) / 2;
      assertThat(q - p)
          .as("%s share shift", device)
          .isCloseTo(0, within(Z * Math.sqrt(2) * shareSe(pooled, PER_SIDE)));
    }
  }

  @Test
  void invalidRequestsLeaveOneFeatureOutAtTheConfiguredShare() throws IOException {
    TrafficPlan plan = new TrafficPlan(9, 100, -1, 0.05);
    int n = 10_000;
    int invalid = 0;
    for (int i = 0; i < n; i++) {
      TrafficPlan.Planned p = plan.next();
      Row row = parse(p.body());
      if (p.omitted() != null) {
        invalid++;
        assertThat(row.values()).hasSize(6).doesNotContainKey(p.omitted().wireName);
      } else {
        assertThat(row.values()).hasSize(7);
      }
      assertThat(p.drifted()).isFalse();
    }
    assertThat((double) invalid / n).isCloseTo(0.05, within(Z * shareSe(0.05, n)));
  }

  @Test
  void requestIdsAreVersion4UuidsAndMatchTheBody() throws IOException {
    for (TrafficPlan.Planned p : planned.subList(0, 100)) {
      UUID id = UUID.fromString(p.id());
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(MAPPER.readTree(p.body()).get("id").asText()).isEqualTo(p.id());
    }
    assertThat(planned.stream().map(TrafficPlan.Planned::id).distinct().count())
        .isEqualTo(planned.size());
  }

  @Test
  void aSeedReproducesThePlan() {
    TrafficPlan a = new TrafficPlan(5, 10, 0, 0.5);
    TrafficPlan b = new TrafficPlan(5, 10, 0, 0.5);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next().body()).isEqualTo(b.next().body());
    }
  }

  private static Row parse(byte[] body) throws IOException {
    JsonNode root = MAPPER.readTree(body);
    Map<String, JsonNode> values = new HashMap<>();
    for (JsonNode input : root.get("inputs")) {
      assertThat(input.get("shape").toString()).isEqualTo("[1]");
      values.put(input.get("name").asText(), input.get("data").get(0));
    }
    return new Row(values);
  }

  private static double sq(double x) {
    return x * x;
  }
}
