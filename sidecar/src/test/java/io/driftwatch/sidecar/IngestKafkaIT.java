package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftwatch.embedded.testing.KafkaFixture;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.sidecar.ingest.IngestStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ingest endpoints of the admin port against a real Kafka broker. */
class IngestKafkaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static KafkaFixture kafka;
  private static StubModelServer model;

  @BeforeAll
  static void start() throws IOException {
    kafka = KafkaFixture.start();
    model = StubModelServer.start();
  }

  @AfterAll
  static void stop() {
    model.close();
    kafka.close();
  }

  private static HttpResponse<byte[]> post(URI admin, String path, String body, String... headers)
      throws Exception {
    return Http.post(admin, path, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static String error(HttpResponse<byte[]> r) throws IOException {
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.has("error")).as("JSON error body: %s", Http.text(r)).isTrue();
    return body.get("error").asText();
  }

  @Test
  void labelsGoToTheLabelsTopicKeyedByPredictionId() throws Exception {
    String topic = "it.labels";
    kafka.createTopic(topic, 3);
    try (SidecarServer sidecar =
        SidecarServer.start(
            SidecarKafkaIT.config(model.uri(), kafka.bootstrapServers(), "it.labels-predictions")
                .labelsTopic(topic)
                .ingestMaxBytes(2048)
                .build())) {
      URI admin = Http.local(sidecar.adminPort());
      HttpResponse<byte[]> one =
          post(
              admin,
              "/v1/labels",
              "{\"prediction_id\": \"p-1\", \"model\": \"fraud\", \"version\": \"3\", \"label\": 1,"
                  + " \"timestamp\": 1714564800}");
      assertThat(one.statusCode()).isEqualTo(202);
      assertThat(Http.text(one)).isEqualTo("{\"accepted\":1}");
      HttpResponse<byte[]> two =
          post(
              admin,
              "/v1/labels",
              "[{\"prediction_id\": \"p-2/0\", \"model\": \"fraud\", \"label\": \"chargeback\"},"
                  + " {\"prediction_id\": \"p-2/1\", \"model\": \"fraud\", \"label\": false}]");
      assertThat(two.statusCode()).isEqualTo(202);
      assertThat(Http.text(two)).isEqualTo("{\"accepted\":2}");

      HttpResponse<byte[]> bad =
          post(admin, "/v1/labels", "[{\"prediction_id\": \"p-3\", \"label\": 1}]");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(error(bad)).isEqualTo("labels[0].model: missing");
      HttpResponse<byte[]> notJson = post(admin, "/v1/labels", "label=1");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(error(notJson)).startsWith("body: not JSON");
      HttpResponse<byte[]> large =
          post(
              admin,
              "/v1/labels",
              "{\"prediction_id\": \"p\", \"model\": \"m\", \"label\": \""
                  + "x".repeat(3000)
                  + "\"}");
      assertThat(large.statusCode()).isEqualTo(413);
      assertThat(error(large)).isEqualTo("body: larger than 2048 bytes");
      HttpResponse<byte[]> get = Http.get(admin, "/v1/labels");
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("allow")).contains("POST");

      await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.ingestStats().labelsSent() == 3);
      List<ConsumerRecord<byte[], byte[]>> read = kafka.readTopic(topic, 3, Duration.ofSeconds(30));
      assertThat(read).hasSize(3);
      Map<String, LabelRecord> byKey = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : read) {
        var decoded = Records.decodeLabel(r.value());
        assertThat(decoded.isOk()).as("decodes: %s", decoded).isTrue();
        String key = new String(r.key(), StandardCharsets.UTF_8);
        assertThat(key).isEqualTo(decoded.value().getPredictionId());
        byKey.put(key, decoded.value());
      }
      assertThat(byKey).containsOnlyKeys("p-1", "p-2/0", "p-2/1");
      assertThat(byKey.get("p-1").getModelVersion()).isEqualTo("3");
      assertThat(byKey.get("p-1").getTimestampMicros()).isEqualTo(1_714_564_800_000_000L);
      assertThat(byKey.get("p-2/0").getLabel().getText()).isEqualTo("chargeback");
      assertThat(byKey.get("p-2/1").getLabel().getFlag()).isFalse();

      String metrics = Http.text(Http.get(admin, "/metrics"));
      assertThat(metrics)
          .contains("driftwatch_sidecar_labels_accepted_total 3.0")
          .contains("driftwatch_sidecar_labels_sent_total 3.0")
          .contains(
              "driftwatch_sidecar_ingest_requests_total{code=\"202\",endpoint=\"labels\"} 2.0")
          .contains(
              "driftwatch_sidecar_ingest_requests_total{code=\"400\",endpoint=\"labels\"} 2.0")
          .contains("driftwatch_sidecar_labels_dropped_total{reason=\"queue_full\"} 0.0");
    }
  }

  @Test
  void aFullLabelQueueAnswers503AndNothingIsLostUncounted() throws Exception {
    SidecarServer sidecar =
        SidecarServer.start(
            SidecarKafkaIT.config(
                    model.uri(), "127.0.0.1:" + SidecarKafkaIT.closedPort(), "it.nowhere")
                .labelsQueueRecords(2)
                .producerOverride("max.block.ms", "200")
                .shutdownTimeout(Duration.ofSeconds(2))
                .build());
    try {
      URI admin = Http.local(sidecar.adminPort());
      String label = "{\"prediction_id\": \"q-%d\", \"model\": \"m\", \"label\": 0}";
      HttpResponse<byte[]> tooMany =
          post(
              admin,
              "/v1/labels",
              "["
                  + String.format(label, 1)
                  + ","
                  + String.format(label, 2)
                  + ","
                  + String.format(label, 3)
                  + "]");
      assertThat(tooMany.statusCode()).isEqualTo(503);
      assertThat(tooMany.headers().firstValue("retry-after")).contains("1");
      assertThat(error(tooMany)).isEqualTo("label queue full; retry later");

      long start = System.nanoTime();
      for (int i = 0; i < 2; i++) {
        assertThat(post(admin, "/v1/labels", String.format(label, i)).statusCode()).isEqualTo(202);
      }
      // Kafka is away: the worker holds one label, the queue holds the other and has room for
      // one more, so a body of two is refused, at once.
      HttpResponse<byte[]> full =
          post(
              admin,
              "/v1/labels",
              "[" + String.format(label, 8) + "," + String.format(label, 9) + "]");
      assertThat(full.statusCode()).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    } finally {
      sidecar.close();
    }
    IngestStats s = sidecar.ingestStats();
    long dropped = s.labelsDropped().values().stream().mapToLong(Long::longValue).sum();
    assertThat(s.labelsAccepted()).isEqualTo(2);
    assertThat(s.labelsSent() + dropped).isEqualTo(2);
    assertThat(s.requests()).containsEntry(List.of("labels", "503"), 2L);
  }

  private static HttpResponse<byte[]> event(
      URI admin, String type, String id, String time, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(admin.resolve("/v1/cloudevents"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Ce-Specversion", "1.0")
            .header("Ce-Source", "http://localhost:9081/")
            .header("Ce-Type", type)
            .header("Ce-Id", id)
            .header("Ce-Inferenceservicename", "sklearn-iris")
            .header("Ce-Namespace", "models")
            .header("Ce-Component", "predictor")
            .header("Ce-Endpoint", "default")
            .header(
                "Ce-Metadata",
                "{\"Traceparent\":[\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"]}")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (time != null) {
      b.header("Ce-Time", time);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void kserveLoggerEventsBecomePredictionRecords() throws Exception {
    String topic = "it.cloudevents";
    kafka.createTopic(topic, 1);
    try (SidecarServer sidecar =
        SidecarServer.start(
            SidecarKafkaIT.config(model.uri(), kafka.bootstrapServers(), topic)
                .cloudEventsPairTimeout(Duration.ofMillis(300))
                .build())) {
      URI admin = Http.local(sidecar.adminPort());
      String request =
          "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[2,4],\"datatype\":\"FP32\","
              + "\"data\":[[6.8,2.8,4.8,1.4],[6.0,3.4,4.5,1.6]]}]}";
      String response =
          "{\"model_name\":\"sklearn-iris\",\"model_version\":\"v3\",\"id\":\"d3b15cad\","
              + "\"outputs\":[{\"name\":\"output-0\",\"shape\":[2],\"datatype\":\"INT64\","
              + "\"data\":[1,2]}]}";
      // The logger's workers send the response before the request now and then.
      HttpResponse<byte[]> resp =
          event(
              admin,
              "org.kubeflow.serving.inference.response",
              "d3b15cad",
              "2024-05-01T12:00:00.012Z",
              response);
      assertThat(resp.statusCode()).isEqualTo(200);
      HttpResponse<byte[]> req =
          event(
              admin,
              "org.kubeflow.serving.inference.request",
              "d3b15cad",
              "2024-05-01T12:00:00Z",
              request);
      assertThat(req.statusCode()).isEqualTo(200);
      assertThat(Http.text(req)).isEqualTo("{\"status\":\"accepted\"}");
      // A request whose response never comes: captured alone after the pairing timeout.
      assertThat(
              event(
                      admin,
                      "org.kubeflow.serving.inference.request",
                      "lonely",
                      null,
                      "{\"instances\":[[1,2,3,4]]}")
                  .statusCode())
          .isEqualTo(200);

      HttpResponse<byte[]> noType = event(admin, "com.example.other", "x", null, "{}");
      assertThat(noType.statusCode()).isEqualTo(400);
      assertThat(error(noType)).startsWith("ce-type: com.example.other (expected:");
      HttpResponse<byte[]> badTime =
          event(admin, "org.kubeflow.serving.inference.request", "x", "yesterday", "{}");
      assertThat(badTime.statusCode()).isEqualTo(400);
      assertThat(error(badTime)).startsWith("ce-time: yesterday (expected: RFC 3339");
      HttpResponse<byte[]> empty =
          event(admin, "org.kubeflow.serving.inference.request", "x", null, "");
      assertThat(empty.statusCode()).isEqualTo(400);
      HttpResponse<byte[]> structured =
          CLIENT.send(
              HttpRequest.newBuilder(admin.resolve("/v1/cloudevents"))
                  .header("Content-Type", "application/cloudevents+json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"specversion\":\"1.0\",\"id\":\"s\","
                              + "\"type\":\"org.kubeflow.serving.inference.request\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(structured.statusCode()).isEqualTo(400);
      assertThat(error(structured)).contains("binary-mode");

      await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.stats().sent() == 3);
      Map<String, PredictionRecord> byId = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readTopic(topic, 3, Duration.ofSeconds(30))) {
        PredictionRecord p = Records.decodePrediction(r.value()).value();
        byId.put(p.getPredictionId(), p);
      }
      assertThat(byId).containsOnlyKeys("d3b15cad/0", "d3b15cad/1", "lonely");
      PredictionRecord row = byId.get("d3b15cad/1");
      assertThat(row.getProtocol()).isEqualTo(Protocol.KSERVE_CLOUDEVENT);
      assertThat(row.getModel()).isEqualTo("sklearn-iris");
      assertThat(row.getModelVersion()).isEqualTo("v3");
      assertThat(row.getStatusCode()).isEqualTo(200);
      assertThat(row.getTimestampMicros()).isEqualTo(1_714_564_800_000_000L);
      assertThat(row.getLatencyMicros()).isEqualTo(12_000);
      assertThat(row.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(row.getCaptureError()).isEmpty();
      assertThat(row.getFeaturesMap().get("input-0").getNumbers().getValuesList())
          .containsExactly(6.0, 3.4, 4.5, 1.6);
      assertThat(row.getOutputsMap().get("output-0").getNumber()).isEqualTo(2);
      PredictionRecord lonely = byId.get("lonely");
      assertThat(lonely.getStatusCode()).isZero();
      assertThat(lonely.getFeaturesMap()).containsKeys("f0", "f3");
      assertThat(lonely.getCaptureError())
          .isEqualTo("cloudevent: no response event within the pairing timeout");

      String metrics = Http.text(Http.get(admin, "/metrics"));
      assertThat(metrics)
          .contains("driftwatch_sidecar_cloudevents_received_total{type=\"request\"} 2.0")
          .contains("driftwatch_sidecar_cloudevents_received_total{type=\"response\"} 1.0")
          .contains("driftwatch_sidecar_cloudevents_paired_total 1.0")
          .contains("driftwatch_sidecar_cloudevents_unpaired_total{reason=\"no_response\"} 1.0")
          .contains("driftwatch_sidecar_cloudevents_pending 0.0")
          .contains(
              "driftwatch_sidecar_ingest_requests_total{code=\"400\",endpoint=\"cloudevents\"} 4.0");
    }
  }
}
