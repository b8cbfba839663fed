package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Protocol;
import io.driftwatch.schema.v1.Value;
import io.driftwatch.sidecar.capture.ListSink;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every protocol other than KServe v2 through the real proxy, against a real server speaking it
 * ({@link ProtocolStubServer}); records go to a list.
 */
class ProtocolsIT {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String CHAT_STREAM =
      "{\"model\": \"stub-llm\", \"stream\": true, \"stream_options\": {\"include_usage\": true},"
          + " \"max_tokens\": 32, \"temperature\": 0.2,"
          + " \"messages\": [{\"role\": \"user\", \"content\": \"What is Driftwatch?\"}]}";

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static ProtocolStubServer model;

  @BeforeAll
  static void startModel() throws Exception {
    model = ProtocolStubServer.start();
  }

  @AfterAll
  static void stopModel() {
    model.close();
  }

  private static SidecarConfig.Builder config() {
    return SidecarConfig.builder()
        .upstream(model.uri())
        .listenHost("127.0.0.1")
        .listenPort(0)
        .adminHost("127.0.0.1")
        .adminPort(0)
        .readinessProbeInterval(Duration.ZERO)
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  private static PredictionRecord only(ListSink sink) {
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 1);
    return sink.records.get(0);
  }

  private static double number(Map<String, Value> values, String name) {
    assertThat(values).containsKey(name);
    return values.get(name).getNumber();
  }

  @Test
  void kserveV1RowsBecomeRecordsWithTraceContextPassedThrough() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar =
        SidecarServer.start(
            config()
                .hashFields(java.util.List.of("city"))
                .hashSalt("pepper")
                .redactFields(java.util.List.of("income"))
                .build(),
            sink)) {
      byte[] body =
          StubModelServer.bytes(
              "{\"instances\": [{\"age\": 40, \"income\": 52000, \"city\": \"Paris\"},"
                  + " {\"age\": 22, \"income\": 18000, \"city\": \"Lyon\"}]}");
      HttpResponse<byte[]> direct = Http.post(model.uri(), "/v1/models/credit:predict", body);
      HttpResponse<byte[]> r =
          Http.post(
              Http.local(sidecar.port()),
              "/v1/models/credit/versions/4:predict",
              body,
              "x-prediction-id",
              "v1-call",
              "traceparent",
              TRACEPARENT,
              "tracestate",
              "vendor=opaque,other=1");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(direct.body());
      // W3C trace context reaches the model exactly as the client sent it.
      assertThat(model.lastTraceparent).isEqualTo(TRACEPARENT);
      assertThat(model.lastTracestate).isEqualTo("vendor=opaque,other=1");

      await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 2);
      PredictionRecord first = sink.records.get(0);
      assertThat(first.getPredictionId()).isEqualTo("v1-call/0");
      assertThat(sink.records.get(1).getPredictionId()).isEqualTo("v1-call/1");
      assertThat(first.getProtocol()).isEqualTo(Protocol.KSERVE_V1_REST);
      assertThat(first.getModel()).isEqualTo("credit");
      assertThat(first.getModelVersion()).isEqualTo("4");
      assertThat(first.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(first.getCaptureError()).isEmpty();
      // Redacted and hashed before the record left: sha256("pepper" + "Paris").
      assertThat(first.getFeaturesMap()).containsOnlyKeys("age", "city");
      assertThat(first.getFeaturesMap().get("city").getText())
          .isEqualTo("27e1e4a6e34492854f5d9a1294c4d848071ecd1ff78797f3792da33f300d46a8");
      assertThat(number(first.getFeaturesMap(), "age")).isEqualTo(40);
      assertThat(first.getOutputsMap().get("label").getText()).isEqualTo("high");
    }
  }

  @Test
  void aChatCompletionIsCapturedWithItsUsage() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().build(), sink)) {
      byte[] body =
          StubModelServer.bytes(
              "{\"model\": \"stub-llm\", \"max_tokens\": 32,"
                  + " \"messages\": [{\"role\": \"user\", \"content\": \"Hello there\"}]}");
      HttpResponse<byte[]> r = Http.post(Http.local(sidecar.port()), "/v1/chat/completions", body);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(Http.post(model.uri(), "/v1/chat/completions", body).body());
      PredictionRecord p = only(sink);
      assertThat(p.getProtocol()).isEqualTo(Protocol.OPENAI);
      assertThat(p.getModel()).isEqualTo("stub-llm");
      assertThat(number(p.getFeaturesMap(), "prompt_chars")).isEqualTo(11);
      assertThat(number(p.getFeaturesMap(), "max_tokens")).isEqualTo(32);
      assertThat(number(p.getOutputsMap(), "completion_tokens")).isEqualTo(6);
      assertThat(number(p.getOutputsMap(), "prompt_tokens"))
          .isEqualTo(ProtocolStubServer.PROMPT_TOKENS);
      assertThat(p.getOutputsMap().get("finish_reason").getText()).isEqualTo("stop");
    }
  }

  @Test
  void aStreamReachesTheClientEventByEventAndIsTimed() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().build(), sink)) {
      CountDownLatch gate = new CountDownLatch(1);
      model.gate = gate;
      model.gateOpenedInTime.set(false);
      HttpRequest request =
          HttpRequest.newBuilder(Http.local(sidecar.port()).resolve("/v1/chat/completions"))
              .header("Content-Type", "application/json")
              .header("traceparent", TRACEPARENT)
              .POST(HttpRequest.BodyPublishers.ofString(CHAT_STREAM))
              .build();
      HttpResponse<InputStream> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type"))
          .contains("text/event-stream; charset=utf-8");
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        boolean opened = false;
        while ((line = reader.readLine()) != null) {
          received.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          if (!opened && line.contains("\"content\":\"Drift\"")) {
            // The model holds its second token until the client has the first: a proxy that
            // buffered the stream would make the model wait out its 10 s gate.
            opened = true;
            gate.countDown();
          }
        }
        assertThat(opened).isTrue();
      } finally {
        model.gate = null;
      }
      assertThat(model.gateOpenedInTime.get()).as("first token reached the client first").isTrue();
      assertThat(received.toByteArray()).isEqualTo(model.lastStream);

      PredictionRecord p = only(sink);
      assertThat(p.getProtocol()).isEqualTo(Protocol.OPENAI);
      assertThat(p.getCaptureError()).isEmpty();
      assertThat(p.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(p.getFeaturesMap().get("stream").getFlag()).isTrue();
      assertThat(number(p.getFeaturesMap(), "temperature")).isEqualTo(0.2);
      Map<String, Value> out = p.getOutputsMap();
      assertThat(out.get("finish_reason").getText()).isEqualTo("stop");
      assertThat(number(out, "completion_tokens")).isEqualTo(ProtocolStubServer.TOKENS.size());
      assertThat(number(out, "prompt_tokens")).isEqualTo(ProtocolStubServer.PROMPT_TOKENS);
      assertThat(number(out, "completion_chars"))
          .isEqualTo(String.join("", ProtocolStubServer.TOKENS).length());
      double ttft = number(out, "ttft_seconds");
      double itl = number(out, "inter_token_latency_seconds");
      double total = p.getLatencyMicros() / 1e6;
      // The model waits 80 ms for its first token and 30 ms between the others (the second waits
      // for the client instead); the sidecar's clock starts earlier than the model's.
      assertThat(ttft)
          .isGreaterThanOrEqualTo(ProtocolStubServer.FIRST_TOKEN_MS / 1e3)
          .isLessThan(total);
      // Four 30 ms sleeps (and the gate) lie between the first token and the last: at least 24 ms
      // per token, less whatever jitter the reads of the two ends saw.
      assertThat(itl).isGreaterThanOrEqualTo(0.5 * ProtocolStubServer.NEXT_TOKEN_MS / 1e3);
      assertThat(ttft + itl * (ProtocolStubServer.TOKENS.size() - 1)).isLessThanOrEqualTo(total);
    }
  }

  @Test
  void aStreamedTextCompletionWithoutUsageCountsItsEvents() throws Exception {
    ListSink sink = new ListSink();
    try (SidecarServer sidecar = SidecarServer.start(config().protocol("openai").build(), sink)) {
      HttpResponse<byte[]> r =
          Http.post(
              Http.local(sidecar.port()),
              "/v1/completions",
              StubModelServer.bytes(
                  "{\"model\": \"stub-llm\", \"prompt\": \"Hi\", \"stream\": true}"));
      assertThat(r.statusCode()).isEqualTo(200);
      PredictionRecord p = only(sink);
      Map<String, Value> out = p.getOutputsMap();
      assertThat(number(out, "completion_tokens")).isEqualTo(ProtocolStubServer.TOKENS.size());
      assertThat(out).doesNotContainKey("prompt_tokens");
      // Five 30 ms sleeps between the first token and the last.
      assertThat(number(out, "inter_token_latency_seconds"))
          .isBetween(0.5 * ProtocolStubServer.NEXT_TOKEN_MS / 1e3, 1.0);
    }
  }

  @Test
  void aStreamLongerThanTheCaptureLimitIsStillCountedAndFinished() throws Exception {
    ListSink sink = new ListSink();
    // 300 bytes hold the first two events and the last 300 bytes the last three: the middle is
    // not kept, but the proxy counted its events.
    try (SidecarServer sidecar = SidecarServer.start(config().maxCaptureBytes(300).build(), sink)) {
      String withoutUsage =
          "{\"model\": \"stub-llm\", \"stream\": true, \"messages\": [{\"role\": \"user\","
              + " \"content\": \"Hi\"}]}";
      for (String body : new String[] {CHAT_STREAM, withoutUsage}) {
        HttpResponse<byte[]> r =
            Http.post(
                Http.local(sidecar.port()), "/v1/chat/completions", StubModelServer.bytes(body));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(model.lastStream).hasSizeGreaterThan(900);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.records.size() == 2);
      for (PredictionRecord p : sink.records) {
        assertThat(p.getTruncated()).isTrue();
        assertThat(p.getCaptureError()).isEmpty();
        Map<String, Value> out = p.getOutputsMap();
        assertThat(out.get("finish_reason")).isNotNull();
        assertThat(out.get("finish_reason").getText()).isEqualTo("stop");
        assertThat(number(out, "completion_tokens")).isEqualTo(ProtocolStubServer.TOKENS.size());
        assertThat(out).containsKeys("ttft_seconds", "inter_token_latency_seconds");
        assertThat(out).doesNotContainKey("completion_chars");
      }
      assertThat(sink.records.get(0).getOutputsMap()).containsKey("prompt_tokens");
    }
  }

  @Test
  void genericJsonIsReadThroughPointers() throws Exception {
    ListSink sink = new ListSink();
    SidecarConfig config =
        SidecarConfig.fromProperties(
                Map.of(
                    "protocol", "generic-json",
                    "generic.paths", "/score",
                    "generic.features", "age=/customer/age,/customer/income,/customer/city",
                    "generic.outputs", "/result/score,decision=/result/decision"))
            .toBuilder()
            .upstream(model.uri())
            .listenHost("127.0.0.1")
            .listenPort(0)
            .adminHost("127.0.0.1")
            .adminPort(0)
            .readinessProbeInterval(Duration.ZERO)
            .build();
    try (SidecarServer sidecar = SidecarServer.start(config, sink)) {
      URI proxy = Http.local(sidecar.port());
      HttpResponse<byte[]> r =
          Http.post(
              proxy,
              "/score",
              StubModelServer.bytes(
                  "{\"customer\": {\"age\": 51, \"income\": 61000, \"city\": \"Nantes\"}}"));
      assertThat(r.statusCode()).isEqualTo(200);
      // KServe v2 paths are not read in generic-json mode: passed through, not captured.
      Http.post(
          proxy, "/v1/models/credit:predict", StubModelServer.bytes("{\"instances\": [[1]]}"));
      PredictionRecord p = only(sink);
      assertThat(p.getProtocol()).isEqualTo(Protocol.GENERIC_JSON);
      assertThat(p.getModel()).isEqualTo("unknown");
      assertThat(number(p.getFeaturesMap(), "age")).isEqualTo(51);
      assertThat(number(p.getFeaturesMap(), "income")).isEqualTo(61000);
      assertThat(p.getFeaturesMap().get("city").getText()).isEqualTo("Nantes");
      assertThat(number(p.getOutputsMap(), "score")).isEqualTo(0.9);
      assertThat(p.getOutputsMap().get("decision").getText()).isEqualTo("approve");
      Thread.sleep(200);
      assertThat(sink.records).hasSize(1);
    }
  }
}
