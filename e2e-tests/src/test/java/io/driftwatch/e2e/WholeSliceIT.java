package io.driftwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.demo.ModelServer;
import io.driftwatch.demo.TrafficGenerator;
import io.driftwatch.embedded.EmbeddedFlink;
import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.exporter.Exporter;
import io.driftwatch.exporter.ExporterConfig;
import io.driftwatch.jobs.MonitorJob;
import io.driftwatch.jobs.MonitorJobConfig;
import io.driftwatch.jobs.Topics;
import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.sidecar.SidecarConfig;
import io.driftwatch.sidecar.SidecarServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton, real in every hop: traffic → sidecar → model server; sidecar → Kafka →
 * Flink → Kafka → exporter → an HTTP scrape of /metrics. What the scrape shows must equal what was
 * sent, request for request.
 */
class WholeSliceIT {
  private static final int REQUESTS = 600;

  @Test
  void everyRequestSentIsCountedOnceOnMetrics() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start()) {
      kafka.createTopic(Topics.PREDICTIONS, 2);
      kafka.createTopic(Topics.METRICS, 1);
      kafka.createTopic(Topics.DLQ, 1);
      try (ModelServer model =
              ModelServer.start(
                  "127.0.0.1",
                  0,
                  ModelServer.Options.DEFAULTS.withLatencyMeanMillis(1).withFailureRate(0.05));
          SidecarServer sidecar =
              SidecarServer.start(
                  SidecarConfig.builder()
                      .upstream(model.baseUri().toString())
                      .listenHost("127.0.0.1")
                      .listenPort(0)
                      .adminHost("127.0.0.1")
                      .adminPort(0)
                      .kafkaBootstrapServers(kafka.bootstrapServers())
                      .build());
          Exporter exporter =
              Exporter.start(
                  ExporterConfig.defaults(kafka.bootstrapServers(), Topics.METRICS)
                      .withListen("127.0.0.1", 0))) {
        MonitorJobConfig config =
            MonitorJobConfig.defaults(kafka.bootstrapServers())
                .withWindow(Duration.ofSeconds(2))
                .withTiming(
                    Duration.ofMillis(500),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1))
                .withParallelism(2);
        JobClient job = MonitorJob.start(EmbeddedFlink.environment(2), config);
        try {
          TrafficGenerator traffic =
              TrafficGenerator.builder(URI.create("http://127.0.0.1:" + sidecar.port()))
                  .rate(300)
                  .requests(REQUESTS)
                  .maxInFlight(REQUESTS)
                  .seed(7)
                  .build()
                  .start();
          assertThat(traffic.awaitTermination(Duration.ofSeconds(60))).isTrue();
          TrafficGenerator.Counters sent = traffic.counters();
          assertThat(sent.sent()).isEqualTo(REQUESTS);
          assertThat(sent.transportFailures()).isZero();
          assertThat(sent.serverErrors()).isPositive();
          assertThat(sent.clientErrors() + sent.serverErrors() + sent.succeeded())
              .isEqualTo(REQUESTS);

          URI metrics = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
          HttpClient http = HttpClient.newHttpClient();
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .untilAsserted(
                  () -> {
                    String body = scrape(http, metrics);
                    assertThat(sum(body, "driftwatch_predictions_total", ""))
                        .isEqualTo((double) REQUESTS);
                    assertThat(sum(body, "driftwatch_prediction_errors_total", "class=\"server\""))
                        .isEqualTo((double) sent.serverErrors());
                    assertThat(sum(body, "driftwatch_prediction_errors_total", "class=\"client\""))
                        .isEqualTo((double) sent.clientErrors());
                  });
          String body = scrape(http, metrics);
          assertThat(body)
              .contains(
                  "driftwatch_prediction_latency_seconds{model=\"credit-risk\",version=\"1\",quantile=\"0.99\"}");
          assertThat(sidecar.stats().sent()).isEqualTo(REQUESTS);
          assertOnlyCataloguedNames(body);
          assertOnlyCataloguedNames(
              scrape(http, URI.create("http://127.0.0.1:" + sidecar.adminPort() + "/metrics")));
          assertThat(sidecar.stats().dropped()).isZero();

          // Corrupt bytes on the predictions topic: counted, sent to the DLQ, nothing else moves.
          try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            producer
                .send(
                    new ProducerRecord<>(
                        Topics.PREDICTIONS, "\u0000garbage".getBytes(StandardCharsets.UTF_8)))
                .get();
          }
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () ->
                      assertThat(
                              sum(
                                  scrape(http, metrics),
                                  "driftwatch_records_rejected_total",
                                  "stage=\"job\""))
                          .isEqualTo(1.0));
          assertThat(kafka.readTopic(Topics.DLQ, 1, Duration.ofSeconds(30))).hasSize(1);
          assertThat(sum(scrape(http, metrics), "driftwatch_predictions_total", ""))
              .isEqualTo((double) REQUESTS);
        } finally {
          job.cancel().get();
        }
      }
    }
  }

  private static String scrape(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Every driftwatch_ series exposed must be a name of docs/metrics.md (MetricCatalog). */
  private static void assertOnlyCataloguedNames(String exposition) {
    Matcher m = Pattern.compile("(?m)^(driftwatch_[a-z0-9_]+)[{ ]").matcher(exposition);
    int seen = 0;
    while (m.find()) {
      String name = m.group(1).replaceAll("_(bucket|count|sum|created)$", "");
      assertThat(MetricCatalog.byName(name))
          .as("exposed metric %s is in MetricCatalog", name)
          .isPresent();
      seen++;
    }
    assertThat(seen).isPositive();
  }

  /** Sums the samples of {@code name} whose label set contains {@code labelFilter}. */
  static double sum(String exposition, String name, String labelFilter) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$")
            .matcher(exposition);
    double total = 0;
    while (m.find()) {
      if (m.group(1).contains(labelFilter)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }
}
