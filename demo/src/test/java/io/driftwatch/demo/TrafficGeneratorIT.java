package io.driftwatch.demo;

import static io.driftwatch.demo.SampleStats.Z;
import static io.driftwatch.demo.SampleStats.shareSe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class TrafficGeneratorIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void sendsTheRequestedNumberAtTheRateAndTheCountersAddUp() throws Exception {
    int n = 300;
    double rate = 200;
    double invalidShare = 0.05;
    long seed = 7;
    try (ModelServer server = ModelServer.start("127.0.0.1", 0);
        TrafficGenerator traffic =
            TrafficGenerator.builder(server.baseUri())
                .rate(rate)
                .requests(n)
                .invalidShare(invalidShare)
                .seed(seed)
                // Never throttle here, even on a cold, busy machine: the 4xx count must be exact.
                .maxInFlight(n)
                .build()) {
      long start = System.nanoTime();
      traffic.start();

      // Counters are readable mid-run, for progress output.
      await().atMost(Duration.ofSeconds(5)).until(() -> traffic.counters().sent() >= n / 3);
      assertThat(traffic.counters().sent()).isLessThan(n);

      assertThat(traffic.awaitTermination(Duration.ofSeconds(20))).isTrue();
      double seconds = (System.nanoTime() - start) / 1e9;

      // The last request is due (n - 1) / rate s after the start; the upper bound only guards
      // against a generator that waits for answers instead of keeping the rate.
      assertThat(seconds).isBetween((n - 1) / rate, (n - 1) / rate + 3.0);
      TrafficGenerator.Counters c = traffic.counters();
      assertThat(c.sent()).isEqualTo(n);
      assertThat(c.throttled()).isZero();
      assertThat(c.inFlight()).isZero();
      assertThat(c.completed()).isEqualTo(c.sent());
      assertThat(c.serverErrors()).isZero();
      assertThat(c.transportFailures()).isZero();
      assertThat(c.otherStatuses()).isZero();
      // The same seed plans the same requests: the server answers 400 to exactly the invalid
      // ones and 200 to the rest.
      long invalid = countInvalid(seed, rate, n, invalidShare);
      assertThat(invalid).isPositive();
      assertThat(c.clientErrors()).isEqualTo(invalid);
      assertThat(c.succeeded()).isEqualTo(n - invalid);
      assertThat(c.peakInFlight()).isBetween(1L, (long) n);
    }
  }

  @Test
  void countsServerErrors() throws Exception {
    try (ModelServer server =
            ModelServer.start("127.0.0.1", 0, ModelServer.Options.DEFAULTS.withFailureRate(1.0));
        TrafficGenerator traffic =
            TrafficGenerator.builder(server.baseUri())
                .rate(500)
                .requests(50)
                .invalidShare(0)
                .build()) {
      traffic.start();
      assertThat(traffic.awaitTermination(Duration.ofSeconds(10))).isTrue();

      assertThat(traffic.counters().serverErrors()).isEqualTo(50);
      assertThat(traffic.counters().succeeded()).isZero();
    }
  }

  @Test
  void boundsTheRequestsInFlightAndCountsWhatItCouldNotSend() throws Exception {
    try (ModelServer server =
            ModelServer.start(
                "127.0.0.1", 0, ModelServer.Options.DEFAULTS.withLatencyMeanMillis(100));
        TrafficGenerator traffic =
            TrafficGenerator.builder(server.baseUri())
                .rate(400)
                .requests(200)
                .maxInFlight(3)
                .build()) {
      traffic.start();
      assertThat(traffic.awaitTermination(Duration.ofSeconds(10))).isTrue();

      TrafficGenerator.Counters c = traffic.counters();
      // 3 slots of ~100 ms each serve ~30 requests/s, far under 400/s.
      assertThat(c.peakInFlight()).isEqualTo(3);
      assertThat(c.throttled()).isPositive();
      assertThat(c.sent() + c.throttled()).isEqualTo(200);
      assertThat(c.completed()).isEqualTo(c.sent());
    }
  }

  @Test
  void countsTransportFailuresWhenNothingListens() throws Exception {
    URI nowhere;
    try (ModelServer closed = ModelServer.start("127.0.0.1", 0)) {
      nowhere = closed.baseUri();
    }
    try (TrafficGenerator traffic =
        TrafficGenerator.builder(nowhere).rate(200).requests(20).build()) {
      traffic.start();
      assertThat(traffic.awaitTermination(Duration.ofSeconds(10))).isTrue();

      assertThat(traffic.counters().transportFailures()).isEqualTo(20);
      assertThat(traffic.counters().completed()).isEqualTo(20);
    }
  }

  @Test
  void runsUntilStopped() throws Exception {
    try (ModelServer server = ModelServer.start("127.0.0.1", 0);
        TrafficGenerator traffic =
            TrafficGenerator.builder(server.baseUri()).rate(100).invalidShare(0).build()) {
      traffic.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> traffic.counters().succeeded() >= 10);
      assertThat(traffic.awaitTermination(Duration.ofMillis(1))).isFalse();

      traffic.stop();

      assertThat(traffic.awaitTermination(Duration.ofSeconds(10))).isTrue();
      TrafficGenerator.Counters c = traffic.counters();
      assertThat(c.succeeded()).isEqualTo(c.sent());
      assertThat(traffic.counters().sent()).isEqualTo(c.sent());
    }
  }

  /**
   * What arrives on the wire: the body's id in {@code x-request-id}, and the income and country
   * shift from the scheduled offset on while the other features stay put. A recording endpoint
   * stands in for the model server so the test sees every body.
   */
  @Test
  void theWireShowsTheAnnouncedDriftFromDriftAtOn() throws Exception {
    List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    Map<String, String> headerIdByBodyId = new ConcurrentHashMap<>();
    HttpServer recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    recorder.createContext(
        "/v2/models/credit-risk/infer",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            JsonNode body = MAPPER.readTree(in.readAllBytes());
            bodies.add(body);
            headerIdByBodyId.put(
                body.get("id").asText(), exchange.getRequestHeaders().getFirst("x-request-id"));
            exchange.sendResponseHeaders(200, -1);
          } finally {
            exchange.close();
          }
        });
    ExecutorService handlers = Executors.newFixedThreadPool(4);
    recorder.setExecutor(handlers);
    recorder.start();
    int perSide = 500;
    try (TrafficGenerator traffic =
        TrafficGenerator.builder(
                URI.create("http://127.0.0.1:" + recorder.getAddress().getPort() + "/"))
            .rate(500)
            .requests(2 * perSide)
            // Room for every request: this test is about what is sent, not about throttling,
            // and a cold JVM on a busy machine can take a few hundred ms on the first ones.
            .maxInFlight(2 * perSide)
            .driftAt(Duration.ofMillis(2 * perSide))
            .invalidShare(0)
            .build()) {
      assertThat(traffic.driftStarted()).isFalse();
      traffic.start();
      assertThat(traffic.awaitTermination(Duration.ofSeconds(20))).isTrue();
      assertThat(traffic.driftStarted()).isTrue();
      assertThat(traffic.counters().succeeded())
          .as("%s", traffic.counters())
          .isEqualTo(2 * perSide);
    } finally {
      recorder.stop(0);
      handlers.shutdownNow();
    }

    assertThat(bodies).hasSize(2 * perSide);
    for (JsonNode body : bodies) {
      String id = body.get("id").asText();
      assertThat(headerIdByBodyId.get(id)).isEqualTo(id);
      assertThat(UUID.fromString(id).version()).isEqualTo(4);
    }
    // Requests can overtake each other on separate connections; the plan fixes which ids were
    // drifted, so split by the plan rather than by arrival order.
    TrafficPlan plan = new TrafficPlan(42, 500, Duration.ofMillis(2 * perSide).toNanos(), 0);
    Map<String, Boolean> drifted = new HashMap<>();
    for (int i = 0; i < 2 * perSide; i++) {
      TrafficPlan.Planned p = plan.next();
      drifted.put(p.id(), p.drifted());
    }
    List<JsonNode> before =
        bodies.stream().filter(b -> !drifted.get(b.get("id").asText())).toList();
    List<JsonNode> after = bodies.stream().filter(b -> drifted.get(b.get("id").asText())).toList();
    assertThat(before).hasSize(perSide);
    assertThat(after).hasSize(perSide);

    double[] logIncomeBefore = numbers(before, "income", Math::log);
    double[] logIncomeAfter = numbers(after, "income", Math::log);
    double se = 0.5 * Math.sqrt(2.0 / perSide);
    assertThat(SampleStats.mean(logIncomeAfter) - SampleStats.mean(logIncomeBefore))
        .isCloseTo(Math.log(1.6), within(Z * se));
    assertThat(share(before, "country", "IN")).isCloseTo(0.15, within(Z * shareSe(0.15, perSide)));
    assertThat(share(after, "country", "IN")).isCloseTo(0.45, within(Z * shareSe(0.45, perSide)));
    assertThat(share(before, "country", "US")).isCloseTo(0.50, within(Z * shareSe(0.50, perSide)));
    assertThat(share(after, "country", "US")).isCloseTo(0.25, within(Z * shareSe(0.25, perSide)));

    for (String feature : List.of("age", "credit_score", "tenure_months", "debt_ratio")) {
      double[] x = numbers(before, feature, v -> v);
      double[] y = numbers(after, feature, v -> v);
      double diffSe =
          Math.sqrt(
              Math.pow(SampleStats.sd(x), 2) / x.length
                  + Math.pow(SampleStats.sd(y), 2) / y.length);
      assertThat(SampleStats.mean(y) - SampleStats.mean(x))
          .as(feature)
          .isCloseTo(0, within(Z * diffSe));
    }
    double mobileBefore = share(before, "device", "mobile");
    double mobileAfter = share(after, "device", "mobile");
    assertThat(mobileAfter - mobileBefore)
        .isCloseTo(0, within(Z * Math.sqrt(2) * shareSe(0.55, perSide)));
  }

  @Test
  void announcesWhatShiftsAndWhen() {
    TrafficGenerator traffic =
        TrafficGenerator.builder(URI.create("http://127.0.0.1:8080"))
            .rate(50)
            .duration(Duration.ofMinutes(2))
            .driftAt(Duration.ofSeconds(30))
            .build();

    assertThat(traffic.announcement())
        .isEqualTo(
            "Traffic: 50.0 requests/s to http://127.0.0.1:8080/v2/models/credit-risk/infer, for"
                + " 2m, seed 42; 0.50% invalid (one feature missing, answered 400); at most 64 in"
                + " flight.\n"
                + "Drift at +30s: income median 52000 -> 83200 (x1.6); country US 50.0% -> 25.0%"
                + " DE 20.0% -> 17.1% IN 15.0% -> 45.0% BR 10.0% -> 8.6% JP 5.0% -> 4.3%. age,"
                + " credit_score, tenure_months, debt_ratio and device keep their"
                + " distributions.");
    traffic.close();
  }

  @Test
  void rejectsSettingsThatCannotWork() {
    URI target = URI.create("http://127.0.0.1:8080");
    assertThatThrownBy(() -> TrafficGenerator.builder(URI.create("ftp://host/")))
        .hasMessage("target: ftp://host/ (expected: an http:// or https:// URI with a host)");
    assertThatThrownBy(() -> TrafficGenerator.builder(target).rate(0))
        .hasMessage("rate: 0.0 (expected: 0.01..100000 requests/s)");
    assertThatThrownBy(() -> TrafficGenerator.builder(target).invalidShare(-0.1))
        .hasMessage("invalidShare: -0.1 (expected: 0..1)");
    assertThatThrownBy(() -> TrafficGenerator.builder(target).maxInFlight(0))
        .hasMessage("maxInFlight: 0 (expected: 1..10000)");
    assertThatThrownBy(() -> TrafficGenerator.builder(target).duration(Duration.ZERO))
        .hasMessage("duration: PT0S (expected: positive)");
    assertThatThrownBy(() -> TrafficGenerator.builder(target).model("a/b"))
        .hasMessage("model: a/b (expected: letters, digits, '.', '_' or '-')");
  }

  private static long countInvalid(long seed, double rate, int n, double invalidShare) {
    TrafficPlan plan = new TrafficPlan(seed, rate, -1, invalidShare);
    long invalid = 0;
    for (int i = 0; i < n; i++) {
      if (plan.next().omitted() != null) {
        invalid++;
      }
    }
    return invalid;
  }

  private static JsonNode value(JsonNode body, String feature) {
    for (JsonNode input : body.get("inputs")) {
      if (input.get("name").asText().equals(feature)) {
        return input.get("data").get(0);
      }
    }
    throw new AssertionError("no " + feature + " in " + body);
  }

  private static double[] numbers(List<JsonNode> bodies, String feature, DoubleUnaryOperator f) {
    return bodies.stream()
        .mapToDouble(b -> f.applyAsDouble(value(b, feature).asDouble()))
        .toArray();
  }

  private static double share(List<JsonNode> bodies, String feature, String category) {
    return (double) bodies.stream().filter(b -> value(b, feature).asText().equals(category)).count()
        / bodies.size();
  }
}
