package io.driftwatch.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.driftwatch.schema.v1.Quantile;
import io.driftwatch.schema.v1.SummaryValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ExporterIT {

  @Test
  void servesTheLatestSampleOfEverySeriesAndRejectsTheRest() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start()) {
      kafka.createTopic("it.metrics", 2);
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
        send(producer, counter(40, 1_000));
        send(producer, counter(42, 2_000));
        send(producer, counter(41, 1_500)); // an older window arriving late: ignored
        send(
            producer,
            MetricSample.newBuilder()
                .setName("driftwatch_prediction_latency_seconds")
                .putLabels("model", "credit-risk")
                .putLabels("version", "1")
                .setType(MetricType.SUMMARY)
                .setSummary(
                    SummaryValue.newBuilder()
                        .setCount(42)
                        .setSum(1.5)
                        .addQuantiles(Quantile.newBuilder().setQuantile(0.99).setValue(0.25)))
                .setWindowEndMillis(2_000)
                .build());
        send(
            producer,
            MetricSample.newBuilder()
                .setName("driftwatch_not_in_the_catalog")
                .setType(MetricType.GAUGE)
                .setNumber(1)
                .build());
        send(producer, MetricSample.newBuilder().setName("driftwatch_predictions_total").build());
        producer.send(
            new ProducerRecord<>("it.metrics", "garbage".getBytes(StandardCharsets.UTF_8)));
      }
      ExporterConfig config =
          ExporterConfig.defaults(kafka.bootstrapServers(), "it.metrics")
              .withListen("127.0.0.1", 0);
      try (Exporter exporter = Exporter.start(config)) {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  String body =
                      client
                          .send(
                              HttpRequest.newBuilder(uri).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body();
                  assertThat(body)
                      .contains("# TYPE driftwatch_predictions_total counter")
                      .contains(
                          "driftwatch_predictions_total{model=\"credit-risk\",version=\"1\"} 42.0")
                      .contains(
                          "driftwatch_prediction_latency_seconds{model=\"credit-risk\",version=\"1\",quantile=\"0.99\"} 0.25")
                      .contains(
                          "driftwatch_prediction_latency_seconds_count{model=\"credit-risk\",version=\"1\"} 42")
                      .contains(
                          "driftwatch_exporter_samples_rejected_total{reason=\"unknown_metric\"} 1.0")
                      .contains(
                          "driftwatch_exporter_samples_rejected_total{reason=\"invalid\"} 1.0")
                      .doesNotContain("driftwatch_not_in_the_catalog");
                });
      }
    }
  }

  private static MetricSample counter(double value, long windowEnd) {
    return MetricSample.newBuilder()
        .setName("driftwatch_predictions_total")
        .putLabels("model", "credit-risk")
        .putLabels("version", "1")
        .setType(MetricType.COUNTER)
        .setNumber(value)
        .setWindowEndMillis(windowEnd)
        .build();
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, MetricSample s)
      throws Exception {
    producer.send(new ProducerRecord<>("it.metrics", s.toByteArray())).get();
  }
}
