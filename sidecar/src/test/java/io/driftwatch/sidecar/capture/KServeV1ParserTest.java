package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.v1.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class KServeV1ParserTest {
  private final KServeV1Parser parser = new KServeV1Parser();

  private ExchangeParser.Payload parse(String path, String request, int status, String response) {
    return parser.parse(Exchanges.of(parser, path, request, status, response));
  }

  @Test
  void claimsPredictCallsOnly() {
    assertThat(parser.matches("POST", "/v1/models/iris:predict")).isTrue();
    assertThat(parser.matches("POST", "/v1/models/iris/versions/2:predict")).isTrue();
    assertThat(parser.matches("POST", "/v1/models/iris/labels/stable:predict")).isTrue();
    assertThat(parser.matches("GET", "/v1/models/iris:predict")).isFalse();
    assertThat(parser.matches("POST", "/v1/models/iris")).isFalse();
    assertThat(parser.matches("POST", "/v1/models/iris:explain")).isFalse();
    assertThat(parser.matches("POST", "/v1/models/:predict")).isFalse();
    assertThat(parser.matches("POST", "/v1/models/a/b:predict")).isFalse();
    assertThat(parser.matches("POST", "/v1/chat/completions")).isFalse();
    assertThat(KServeV1Parser.modelAndVersion("/v1/models/iris/versions/2:predict"))
        .containsExactly("iris", "2");
  }

  @Test
  void sklearnIrisRowsOfArraysBecomePositionalFeatures() {
    // The KServe sklearn-iris sample: two rows of four measurements, one class per row.
    ExchangeParser.Payload p =
        parse(
            "/v1/models/sklearn-iris:predict",
            "{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}",
            200,
            "{\"predictions\": [1, 2]}");
    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("sklearn-iris");
    assertThat(p.modelVersion()).isEmpty();
    assertThat(p.rows()).hasSize(2);
    assertThat(p.rows().get(0).features()).containsOnlyKeys("f0", "f1", "f2", "f3");
    assertThat(p.rows().get(0).features().get("f0").getNumber()).isEqualTo(6.8);
    assertThat(p.rows().get(1).features().get("f3").getNumber()).isEqualTo(1.6);
    assertThat(p.rows().get(0).outputs().get("prediction").getNumber()).isEqualTo(1);
    assertThat(p.rows().get(1).outputs().get("prediction").getNumber()).isEqualTo(2);
  }

  @Test
  void objectRowsGiveNamedFeaturesAndOutputs() {
    ExchangeParser.Payload p =
        parse(
            "/v1/models/credit/versions/7:predict",
            "{\"instances\": [{\"age\": 42, \"city\": \"Lyon\", \"member\": true, \"note\": null,"
                + " \"embedding\": [0.1, 0.2]}]}",
            200,
            "{\"predictions\": [{\"scores\": [0.2, 0.8], \"classes\": [\"no\", \"yes\"],"
                + " \"label\": \"yes\"}]}");
    assertThat(p.errors()).isEmpty();
    assertThat(p.modelVersion()).isEqualTo("7");
    ExchangeParser.Row row = p.rows().get(0);
    assertThat(row.features().keySet())
        .containsExactly("age", "city", "member", "note", "embedding");
    assertThat(row.features().get("city").getText()).isEqualTo("Lyon");
    assertThat(row.features().get("member").getFlag()).isTrue();
    assertThat(row.features().get("note").getKindCase()).isEqualTo(Value.KindCase.NULL);
    assertThat(row.features().get("embedding").getNumbers().getValuesList())
        .containsExactly(0.1, 0.2);
    assertThat(row.outputs().get("scores").getNumbers().getValuesList()).containsExactly(0.2, 0.8);
    assertThat(row.outputs().get("classes").getText()).isEqualTo("[\"no\",\"yes\"]");
    assertThat(row.outputs().get("label").getText()).isEqualTo("yes");
  }

  @Test
  void probabilityRowsBecomeOneListOutput() {
    ExchangeParser.Payload p =
        parse(
            "/v1/models/m:predict",
            "{\"instances\": [[1, 2]]}",
            200,
            "{\"predictions\": [[0.9, 0.1]]}");
    assertThat(p.rows().get(0).outputs().get("prediction").getNumbers().getValuesList())
        .containsExactly(0.9, 0.1);
  }

  @Test
  void columnarInputsAndOutputsAreReadBatchFirst() {
    // TF Serving's columnar format.
    ExchangeParser.Payload p =
        parse(
            "/v1/models/half_plus_two:predict",
            "{\"inputs\": {\"x\": [1.0, 2.0, 5.0], \"tag\": [\"a\", \"b\", \"c\"]}}",
            200,
            "{\"outputs\": {\"y\": [2.5, 3.0, 4.5]}}");
    assertThat(p.errors()).isEmpty();
    assertThat(p.rows()).hasSize(3);
    assertThat(p.rows().get(2).features().get("x").getNumber()).isEqualTo(5.0);
    assertThat(p.rows().get(2).features().get("tag").getText()).isEqualTo("c");
    assertThat(p.rows().get(2).outputs().get("y").getNumber()).isEqualTo(4.5);

    ExchangeParser.Payload unnamed =
        parse(
            "/v1/models/half_plus_two:predict",
            "{\"inputs\": [[1.0], [2.0]]}",
            200,
            "{\"outputs\": [2.5, 3.0]}");
    assertThat(unnamed.rows()).hasSize(2);
    assertThat(unnamed.rows().get(1).features().get("f0").getNumber()).isEqualTo(2.0);
    assertThat(unnamed.rows().get(1).outputs().get("prediction").getNumber()).isEqualTo(3.0);
  }

  @Test
  void columnsOfDifferentLengthsAreReported() {
    ExchangeParser.Payload p =
        parse(
            "/v1/models/m:predict",
            "{\"inputs\": {\"a\": [1, 2], \"b\": [1, 2, 3]}}",
            200,
            "{\"predictions\": [1, 2, 3]}");
    assertThat(p.errors()).containsExactly("request: input 'b' has 3 rows, others 2");
    assertThat(p.rows()).hasSize(3);
  }

  @Test
  void badPayloadsAreDescribedNotThrown() {
    assertThat(
            parse("/v1/models/m:predict", "{\"rows\": []}", 200, "{\"predictions\": [1]}").errors())
        .containsExactly("request: no instances or inputs");
    assertThat(parse("/v1/models/m:predict", "{\"instances\": 3}", 200, "{}").errors())
        .containsExactly(
            "request: instances is not an array", "response: no predictions or outputs");
    assertThat(parse("/v1/models/m:predict", "not json", 200, "{\"predictions\": {}}").errors())
        .containsExactly("request: not JSON", "response: predictions is not an array");
    assertThat(parse("/v1/models/m:predict", "{\"instances\": [1", 200, "[]").errors())
        .containsExactly("request: malformed JSON at byte 16", "response: JSON is not an object");
  }

  @Test
  void countMismatchAndErrorAnswersAreReported() {
    ExchangeParser.Payload mismatch =
        parse("/v1/models/m:predict", "{\"instances\": [1, 2]}", 200, "{\"predictions\": [1]}");
    assertThat(mismatch.errors()).containsExactly("response: 1 output rows for 2 request rows");
    assertThat(mismatch.rows()).hasSize(2);

    ExchangeParser.Payload failed =
        parse(
            "/v1/models/m:predict",
            "{\"instances\": [[1]]}",
            400,
            "{\"error\": \"expected 4 features, got 1\"}");
    assertThat(failed.errors()).containsExactly("response: status 400: expected 4 features, got 1");
    assertThat(failed.rows()).singleElement().satisfies(r -> assertThat(r.outputs()).isEmpty());
  }

  @Test
  void aScalarInstanceIsOneFeature() {
    ExchangeParser.Payload p =
        parse(
            "/v1/models/m:predict", "{\"instances\": [\"hello\"]}", 200, "{\"predictions\": [0]}");
    assertThat(p.rows().get(0).features()).containsOnlyKeys("f0");
    assertThat(List.copyOf(p.rows().get(0).features().values()).get(0).getText())
        .isEqualTo("hello");
  }
}
