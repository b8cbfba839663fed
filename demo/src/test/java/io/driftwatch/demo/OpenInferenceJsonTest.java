package io.driftwatch.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftwatch.demo.OpenInferenceJson.InferRequest;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenInferenceJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Applicant ALICE = new Applicant(34, 61_000, 712, 18, 0.21, "US", "mobile");
  private static final Applicant BOB = new Applicant(58, 43_500, 655, 120, 0.4, "IN", "desktop");

  @Test
  void decodesWhatTheTrafficGeneratorEncodes() throws Exception {
    byte[] body = OpenInferenceJson.encodeRequest("r-1", List.of(ALICE, BOB), Set.of());

    InferRequest request = OpenInferenceJson.decodeRequest(body, 10);

    assertThat(request.id()).isEqualTo("r-1");
    assertThat(request.rows()).containsExactly(ALICE, BOB);
    assertThat(request.outputs()).containsExactly("probability", "label");
  }

  @Test
  void acceptsBatchByOneShapesWithFlatOrNestedData() throws Exception {
    ObjectNode request = request(List.of(ALICE, BOB));
    for (JsonNode input : request.get("inputs")) {
      ((ObjectNode) input).set("shape", MAPPER.readTree("[2, 1]"));
    }
    // Nest one tensor's data: [[34.0], [58.0]].
    ObjectNode age = (ObjectNode) request.get("inputs").get(0);
    ArrayNode nested = MAPPER.createArrayNode();
    age.get("data").forEach(v -> nested.addArray().add(v));
    age.set("data", nested);

    InferRequest decoded = OpenInferenceJson.decodeRequest(bytes(request), 10);

    assertThat(decoded.rows()).containsExactly(ALICE, BOB);
    assertThat(decoded.id()).isNull();
  }

  @Test
  void acceptsIntegralNumbersWrittenEitherWay() throws Exception {
    ObjectNode request = request(List.of(ALICE));
    input(request, "age").set("data", MAPPER.readTree("[34]"));
    input(request, "credit_score").set("data", MAPPER.readTree("[712.0]"));

    assertThat(OpenInferenceJson.decodeRequest(bytes(request), 10).rows()).containsExactly(ALICE);
  }

  @Test
  void returnsOnlyTheRequestedOutputsInModelOrder() throws Exception {
    ObjectNode request = request(List.of(ALICE));
    request.set("outputs", MAPPER.readTree("[{\"name\": \"label\"}]"));

    InferRequest decoded = OpenInferenceJson.decodeRequest(bytes(request), 10);
    JsonNode response =
        MAPPER.readTree(
            OpenInferenceJson.encodeResponse("x", new float[] {0.7f}, decoded.outputs()));

    assertThat(response.toString())
        .isEqualTo(
            "{\"model_name\":\"credit-risk\",\"model_version\":\"1\",\"id\":\"x\",\"outputs\":"
                + "[{\"name\":\"label\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"decline\"]}]}");
  }

  static List<Arguments> invalidRequests() {
    return List.of(
        raw(
            "{\"inputs\": [",
            "invalid JSON at line 1, column 13: Unexpected end-of-input: expected close marker for Array"),
        raw("", "request body: empty (expected: a JSON object with \"inputs\")"),
        raw("[1]", "request body: JSON array (expected: a JSON object with \"inputs\")"),
        raw(
            "{\"id\": \"a\"}",
            "inputs: missing (expected: an array with one tensor per input: age, income,"
                + " credit_score, tenure_months, debt_ratio, country, device)"),
        edit(r -> r.put("id", 7), "id: 7 (expected: string)"),
        edit(
            r -> removeInput(r, "income", "device"),
            "inputs: missing income, device (expected: one tensor per input: age, income,"
                + " credit_score, tenure_months, debt_ratio, country, device)"),
        edit(
            r -> ((ArrayNode) r.get("inputs")).add(input(r, "age").deepCopy().put("name", "zip")),
            "inputs[7].name: \"zip\" is not an input of credit-risk (expected: one of age, income,"
                + " credit_score, tenure_months, debt_ratio, country, device)"),
        edit(
            r -> ((ArrayNode) r.get("inputs")).add(input(r, "age").deepCopy()),
            "inputs[7].name: \"age\" appears twice (expected: one tensor per input)"),
        edit(
            r -> input(r, "age").put("datatype", "FP32"),
            "input age: datatype \"FP32\" (expected: \"FP64\")"),
        edit(
            r -> input(r, "credit_score").remove("datatype"),
            "input credit_score: datatype missing (expected: \"INT64\")"),
        edit(
            r -> input(r, "age").set("shape", MAPPER.createArrayNode().add(1).add(2)),
            "input age: shape [1,2] (expected: [B] or [B, 1] with 1 <= B <= 8)"),
        edit(
            r -> input(r, "age").set("shape", MAPPER.createArrayNode().add(0)),
            "input age: shape [0] (expected: [B] or [B, 1] with 1 <= B <= 8)"),
        edit(
            r -> input(r, "age").set("shape", MAPPER.createArrayNode().add(9)),
            "input age: shape [9] (expected: [B] or [B, 1] with 1 <= B <= 8)"),
        edit(
            r -> input(r, "age").set("shape", MAPPER.createArrayNode().add(2)),
            "input age: 1 data elements (expected: 2)"),
        edit(
            r -> {
              input(r, "income").set("shape", MAPPER.createArrayNode().add(2));
              ((ArrayNode) input(r, "income").get("data")).add(1.0);
            },
            "input income: batch size 2 (expected: 1, the batch size of age)"),
        edit(
            r -> ((ArrayNode) input(r, "age").get("data")).add(3),
            "input age: more than 1 data elements (expected: 1)"),
        edit(
            r -> input(r, "age").set("data", MAPPER.createArrayNode().add("34")),
            "input age: data[0] = \"34\" (expected: a finite number)"),
        edit(
            r -> input(r, "credit_score").set("data", MAPPER.createArrayNode().add(700.5)),
            "input credit_score: data[0] = 700.5 (expected: a 64-bit integer)"),
        edit(
            r -> input(r, "country").set("data", MAPPER.createArrayNode().add(1)),
            "input country: data[0] = 1 (expected: a string)"),
        edit(
            r -> input(r, "device").remove("data"),
            "input device: data missing (expected: an array of 1 elements)"),
        edit(
            r ->
                r.set(
                    "outputs",
                    MAPPER.createArrayNode().add(MAPPER.createObjectNode().put("name", "score"))),
            "outputs[0].name: \"score\" (expected: one of probability, label)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidRequests")
  void rejectsWithAReasonNamingTheProblem(byte[] body, String reason) {
    assertThatThrownBy(() -> OpenInferenceJson.decodeRequest(body, 8))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage(reason);
  }

  @Test
  void quotesAtMostSixtyCharactersOfWhatTheClientSent() {
    ObjectNode request = request(List.of(ALICE));
    input(request, "country")
        .set(
            "data",
            MAPPER.createArrayNode().add(MAPPER.createArrayNode().add("x".repeat(1000)).add(2)));

    assertThatThrownBy(() -> OpenInferenceJson.decodeRequest(bytes(request), 8))
        .hasMessageStartingWith("input country: data element [\"xxxx")
        .hasMessageContaining("...")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(150));
  }

  private static Arguments raw(String body, String reason) {
    return Arguments.of(body.getBytes(UTF_8), reason);
  }

  private static Arguments edit(Consumer<ObjectNode> edit, String reason) {
    ObjectNode request = request(List.of(ALICE));
    edit.accept(request);
    return Arguments.of(bytes(request), reason);
  }

  private static ObjectNode request(List<Applicant> rows) {
    try {
      ObjectNode request =
          (ObjectNode) MAPPER.readTree(OpenInferenceJson.encodeRequest("r", rows, Set.of()));
      request.remove("id");
      return request;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode input(ObjectNode request, String name) {
    for (JsonNode input : request.get("inputs")) {
      if (input.get("name").asText().equals(name)) {
        return (ObjectNode) input;
      }
    }
    throw new AssertionError("no input " + name);
  }

  private static void removeInput(ObjectNode request, String... names) {
    ArrayNode inputs = (ArrayNode) request.get("inputs");
    for (String name : names) {
      for (int i = 0; i < inputs.size(); i++) {
        if (inputs.get(i).get("name").asText().equals(name)) {
          inputs.remove(i);
          break;
        }
      }
    }
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(UTF_8);
  }
}
