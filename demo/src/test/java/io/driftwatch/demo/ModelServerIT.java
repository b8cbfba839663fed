package io.driftwatch.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelServerIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Applicant MEAN =
      new Applicant(41, 52_000, 680, 36, 2.0 / 7.0, "US", "mobile");
  private static final Applicant RISKY = new Applicant(19, 9_000, 420, 0, 0.95, "BR", "tablet");
  private static final Applicant SAFE = new Applicant(70, 250_000, 820, 240, 0.05, "JP", "desktop");

  private static ModelServer server;
  private static HttpClient http;

  @BeforeAll
  static void start() throws IOException {
    server =
        ModelServer.start(
            ModelServer.DEFAULT_HOST, 0, ModelServer.Options.DEFAULTS.withLatencyMeanMillis(0));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void bindsTheRequestedHostOnAPickedPort() {
    assertThat(server.port()).isPositive();
    assertThat(server.baseUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
    assertThat(server.executionProvider()).isIn("CPU", "CUDA");
  }

  @Test
  void healthEndpointsAnswer200() throws Exception {
    assertThat(get("/v2/health/live")).satisfies(ok("{\"live\":true}"));
    assertThat(get("/v2/health/ready")).satisfies(ok("{\"ready\":true}"));
    assertThat(get("/v2/models/credit-risk/ready"))
        .satisfies(ok("{\"name\":\"credit-risk\",\"ready\":true}"));
    assertThat(get("/v2/models/credit-risk/versions/1/ready"))
        .satisfies(ok("{\"name\":\"credit-risk\",\"ready\":true}"));
  }

  @Test
  void serverMetadataNamesTheServer() throws Exception {
    JsonNode metadata = json(get("/v2"));
    assertThat(metadata.get("name").asText()).isEqualTo("driftwatch-demo");
    assertThat(metadata.get("extensions").isArray()).isTrue();
  }

  @Test
  void modelMetadataListsTheTensors() throws Exception {
    HttpResponse<String> response = get("/v2/models/credit-risk");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"name\":\"credit-risk\",\"versions\":[\"1\"],\"platform\":\"onnxruntime\","
                + "\"inputs\":["
                + "{\"name\":\"age\",\"datatype\":\"FP64\",\"shape\":[-1]},"
                + "{\"name\":\"income\",\"datatype\":\"FP64\",\"shape\":[-1]},"
                + "{\"name\":\"credit_score\",\"datatype\":\"INT64\",\"shape\":[-1]},"
                + "{\"name\":\"tenure_months\",\"datatype\":\"INT64\",\"shape\":[-1]},"
                + "{\"name\":\"debt_ratio\",\"datatype\":\"FP64\",\"shape\":[-1]},"
                + "{\"name\":\"country\",\"datatype\":\"BYTES\",\"shape\":[-1]},"
                + "{\"name\":\"device\",\"datatype\":\"BYTES\",\"shape\":[-1]}],"
                + "\"outputs\":["
                + "{\"name\":\"probability\",\"datatype\":\"FP32\",\"shape\":[-1]},"
                + "{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[-1]}]}");
    assertThat(get("/v2/models/credit-risk/versions/1").body()).isEqualTo(response.body());
  }

  @Test
  void infersOneRow() throws Exception {
    HttpResponse<String> response =
        post("/v2/models/credit-risk/infer", body("r-1", List.of(MEAN)), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode json = MAPPER.readTree(response.body());
    assertThat(json.get("model_name").asText()).isEqualTo("credit-risk");
    assertThat(json.get("model_version").asText()).isEqualTo("1");
    assertThat(json.get("id").asText()).isEqualTo("r-1");
    JsonNode probability = json.get("outputs").get(0);
    assertThat(probability.get("name").asText()).isEqualTo("probability");
    assertThat(probability.get("datatype").asText()).isEqualTo("FP32");
    assertThat(probability.get("shape").toString()).isEqualTo("[1]");
    // bias + w(US) + w(mobile) = -1.2 for an applicant at the training means.
    assertThat(probability.get("data").get(0).asDouble())
        .isCloseTo(1 / (1 + Math.exp(1.2)), within(1e-6));
    JsonNode label = json.get("outputs").get(1);
    assertThat(label.get("name").asText()).isEqualTo("label");
    assertThat(label.get("datatype").asText()).isEqualTo("BYTES");
    assertThat(label.get("data").toString()).isEqualTo("[\"approve\"]");
  }

  @Test
  void infersABatchOfThreeLikeThreeSingleRows() throws Exception {
    List<Applicant> rows = List.of(MEAN, RISKY, SAFE);
    HttpResponse<String> batch =
        post("/v2/models/credit-risk/versions/1/infer", body("b", rows), null);

    assertThat(batch.statusCode()).isEqualTo(200);
    JsonNode outputs = MAPPER.readTree(batch.body()).get("outputs");
    assertThat(outputs.get(0).get("shape").toString()).isEqualTo("[3]");
    assertThat(outputs.get(1).get("data").toString())
        .isEqualTo("[\"approve\",\"decline\",\"approve\"]");
    for (int i = 0; i < rows.size(); i++) {
      JsonNode single =
          json(post("/v2/models/credit-risk/infer", body("s", List.of(rows.get(i))), null));
      assertThat(outputs.get(0).get("data").get(i).floatValue())
          .isEqualTo(single.get("outputs").get(0).get("data").get(0).floatValue());
    }
  }

  @Test
  void acceptsBatchByOneShapes() throws Exception {
    String request =
        body("b", List.of(MEAN, RISKY, SAFE)).replace("\"shape\":[3]", "\"shape\":[3,1]");

    HttpResponse<String> response = post("/v2/models/credit-risk/infer", request, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("outputs").get(0).get("shape").toString()).isEqualTo("[3]");
  }

  @Test
  void usesTheRequestIdHeaderOrAFreshUuidWhenTheBodyHasNoId() throws Exception {
    String noId = body("x", List.of(MEAN)).replace("\"id\":\"x\",", "");

    HttpResponse<String> withHeader = post("/v2/models/credit-risk/infer", noId, "req-7");
    HttpResponse<String> bare = post("/v2/models/credit-risk/infer", noId, null);

    assertThat(json(withHeader).get("id").asText()).isEqualTo("req-7");
    assertThat(withHeader.headers().firstValue("x-request-id")).hasValue("req-7");
    assertThat(UUID.fromString(json(bare).get("id").asText()).version()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bad JSON           | {\"inputs\": [ | invalid JSON at line 1",
        "not an object      | 42 | request body: JSON number",
        "missing input      | -income | inputs: missing income",
        "unknown input      | +zip | inputs[7].name: \"zip\" is not an input of credit-risk",
        "wrong datatype     | \"datatype\":\"FP64\"->\"datatype\":\"FP32\" | input age: datatype \"FP32\" (expected: \"FP64\")",
        "wrong shape        | \"shape\":[1]->\"shape\":[1,2] | input age: shape [1,2]",
        "wrong element      | \"data\":[\"US\"]->\"data\":[1] | input country: data[0] = 1 (expected: a string)",
      })
  void rejectsBadRequestsWith400AndAJsonReason(String name, String edit, String reason)
      throws Exception {
    String request = edit(body("bad", List.of(MEAN)), edit);

    HttpResponse<String> response = post("/v2/models/credit-risk/infer", request, null);

    assertThat(response.statusCode()).as(name).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(errorOf(response)).startsWith(reason);
  }

  @Test
  void answers404ForUnknownModelsVersionsAndPaths() throws Exception {
    String request = body("r", List.of(MEAN));
    assertThat(post("/v2/models/fraud/infer", request, null))
        .satisfies(error(404, "unknown model: fraud (expected: credit-risk)"));
    assertThat(post("/v2/models/credit-risk/versions/2/infer", request, null))
        .satisfies(error(404, "unknown version of credit-risk: 2 (expected: 1)"));
    assertThat(get("/v2/models/fraud"))
        .satisfies(error(404, "unknown model: fraud (expected: credit-risk)"));
    assertThat(get("/v1/models/credit-risk"))
        .satisfies(error(404, "no such path: /v1/models/credit-risk"));
    assertThat(get("/v2/models/credit-risk/explain"))
        .satisfies(error(404, "no such path: /v2/models/credit-risk/explain"));
    assertThat(get("/")).satisfies(error(404, "no such path: /"));
  }

  @Test
  void answers405WithAllowForTheWrongMethod() throws Exception {
    HttpResponse<String> postToHealth = post("/v2/health/live", "{}", null);
    assertThat(postToHealth)
        .satisfies(error(405, "method POST not allowed on /v2/health/live (expected: GET)"));
    assertThat(postToHealth.headers().firstValue("Allow")).hasValue("GET");

    HttpResponse<String> getInfer = get("/v2/models/credit-risk/infer");
    assertThat(getInfer)
        .satisfies(
            error(405, "method GET not allowed on /v2/models/credit-risk/infer (expected: POST)"));
    assertThat(getInfer.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void answers413ForAnOversizedBody() throws Exception {
    byte[] huge = new byte[ModelServer.MAX_BODY_BYTES + 1];
    Arrays.fill(huge, (byte) ' ');
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("/v2/models/credit-risk/infer"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(errorOf(response)).startsWith("request body: more than 4194304 bytes");
  }

  @Test
  void injectedFailuresAnswer500WithAJsonReason() throws Exception {
    try (ModelServer failing =
        ModelServer.start(
            "127.0.0.1",
            0,
            ModelServer.Options.DEFAULTS.withFailureRate(1.0).withLatencyMeanMillis(0))) {
      URI infer = failing.baseUri().resolve("/v2/models/credit-risk/infer");
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(infer)
                    .POST(HttpRequest.BodyPublishers.ofString(body("f", List.of(MEAN))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response)
            .satisfies(error(500, "credit-risk: injected failure (failure rate 1.0)"));
      }
      // Invalid requests stay client errors: the failure is injected after validation.
      HttpResponse<String> invalid =
          http.send(
              HttpRequest.newBuilder(infer).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(invalid.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void addsTheConfiguredLatency() throws Exception {
    try (ModelServer slow =
        ModelServer.start("127.0.0.1", 0, ModelServer.Options.DEFAULTS.withLatencyMeanMillis(30))) {
      URI infer = slow.baseUri().resolve("/v2/models/credit-risk/infer");
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        long start = System.nanoTime();
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(infer)
                    .POST(HttpRequest.BodyPublishers.ofString(body("l", List.of(MEAN))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        millis.add((System.nanoTime() - start) / 1_000_000);
        assertThat(response.statusCode()).isEqualTo(200);
      }
      millis.sort(null);
      // Added latency has median 30 * exp(-1/8) = 26.5 ms; P(one draw < 12 ms) = 0.056, so a
      // median under 12 ms (13 of 25 draws) has probability below 1e-9.
      assertThat(millis.get(12)).isGreaterThanOrEqualTo(12);
    }
  }

  @Test
  void closingFreesThePort() throws Exception {
    ModelServer closing = ModelServer.start("127.0.0.1", 0);
    URI live = closing.baseUri().resolve("/v2/health/live");
    closing.close();
    closing.close();

    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(live).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void failsFastOnABadAddressOrOptions() {
    assertThatThrownBy(() -> ModelServer.start("127.0.0.1", server.port()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("model server: cannot bind 127.0.0.1:" + server.port());
    assertThatThrownBy(() -> ModelServer.start("127.0.0.1", 70_000))
        .hasMessage("port: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> ModelServer.Options.DEFAULTS.withFailureRate(1.5))
        .hasMessage("failureRate: 1.5 (expected: 0 <= rate <= 1)");
    assertThatThrownBy(() -> ModelServer.Options.DEFAULTS.withThreads(0))
        .hasMessage("threads: 0 (expected: 1..1024)");
  }

  // ---- helpers

  private static String body(String id, List<Applicant> rows) {
    return new String(OpenInferenceJson.encodeRequest(id, rows, Set.of()), UTF_8);
  }

  /** "-name" drops an input, "+name" adds one, "a->b" replaces the first a; else a raw body. */
  private static String edit(String request, String edit) throws IOException {
    if (edit.startsWith("-")) {
      JsonNode root = MAPPER.readTree(request);
      ArrayNode inputs = (ArrayNode) root.get("inputs");
      for (int i = 0; i < inputs.size(); i++) {
        if (inputs.get(i).get("name").asText().equals(edit.substring(1))) {
          inputs.remove(i);
        }
      }
      return root.toString();
    }
    if (edit.startsWith("+")) {
      JsonNode root = MAPPER.readTree(request);
      ObjectNode extra = root.get("inputs").get(0).deepCopy();
      extra.put("name", edit.substring(1));
      ((ArrayNode) root.get("inputs")).add(extra);
      return root.toString();
    }
    int arrow = edit.indexOf("->");
    if (arrow >= 0) {
      return request.replaceFirst(
          Pattern.quote(edit.substring(0, arrow)),
          Matcher.quoteReplacement(edit.substring(arrow + 2)));
    }
    return edit;
  }

  private static URI uri(String path) {
    return server.baseUri().resolve(path);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body, String requestId)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (requestId != null) {
      request.header("x-request-id", requestId);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return MAPPER.readTree(response.body());
  }

  /** The error reason, after checking the body is exactly {"error": "..."} with no trace. */
  private static String errorOf(HttpResponse<String> response) throws IOException {
    JsonNode json = MAPPER.readTree(response.body());
    assertThat(json.size()).as(response.body()).isEqualTo(1);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    return json.get("error").asText();
  }

  private static Consumer<HttpResponse<String>> ok(String body) {
    return response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(body);
    };
  }

  private static Consumer<HttpResponse<String>> error(int status, String reason) {
    return response -> {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
      try {
        assertThat(errorOf(response)).isEqualTo(reason);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    };
  }
}
