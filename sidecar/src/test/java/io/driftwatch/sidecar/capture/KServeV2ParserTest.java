package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.Value;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KServeV2ParserTest {
  private final KServeV2Parser parser = new KServeV2Parser();

  private static Value num(double d) {
    return Value.newBuilder().setNumber(d).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setText(s).build();
  }

  private static Value flag(boolean b) {
    return Value.newBuilder().setFlag(b).build();
  }

  private static Value list(double... d) {
    NumberList.Builder b = NumberList.newBuilder();
    Arrays.stream(d).forEach(b::addValues);
    return Value.newBuilder().setNumbers(b).build();
  }

  @Test
  void matchesOnlyInferencePosts() {
    assertThat(parser.matches("POST", "/v2/models/iris/infer")).isTrue();
    assertThat(parser.matches("POST", "/v2/models/iris/versions/3/infer")).isTrue();
    assertThat(parser.matches("GET", "/v2/models/iris/infer")).isFalse();
    assertThat(parser.matches("POST", "/v2/models/iris")).isFalse();
    assertThat(parser.matches("POST", "/v2/models//infer")).isFalse();
    assertThat(parser.matches("POST", "/v2/models/a/b/infer")).isFalse();
    assertThat(parser.matches("POST", "/v2/models/iris/versions//infer")).isFalse();
    assertThat(parser.matches("GET", "/v2/health/ready")).isFalse();
    assertThat(parser.matches("POST", "/v1/models/iris:predict")).isFalse();
  }

  @Test
  void modelAndVersionComeFromThePath() {
    assertThat(KServeV2Parser.modelAndVersion("/v2/models/iris/versions/3/infer"))
        .containsExactly("iris", "3");
    assertThat(KServeV2Parser.modelAndVersion("/v2/models/iris/infer")).containsExactly("iris", "");
  }

  @Test
  void scalarsOfOneRow() {
    String req =
        """
        {"id":"a","inputs":[
          {"name":"age","shape":[1],"datatype":"INT32","data":[42]},
          {"name":"income","shape":[1,1],"datatype":"FP64","data":[[1234.5]]},
          {"name":"city","shape":[1],"datatype":"BYTES","data":["Paris"]},
          {"name":"member","shape":[1],"datatype":"BOOL","data":[true]},
          {"name":"missing","shape":[1],"datatype":"FP32","data":[null]}]}
        """;
    String resp =
        """
        {"model_name":"m","model_version":"7","outputs":[
          {"name":"label","shape":[1],"datatype":"BYTES","data":["yes"]},
          {"name":"p","shape":[1],"datatype":"FP32","data":[0.75]}]}
        """;
    ExchangeParser.Payload p = parser.parse(Exchanges.v2("/v2/models/risk/infer", req, 200, resp));

    assertThat(p.errors()).isEmpty();
    assertThat(p.model()).isEqualTo("risk");
    assertThat(p.modelVersion()).isEqualTo("7");
    assertThat(p.rows()).hasSize(1);
    assertThat(p.rows().get(0).features())
        .containsExactly(
            Map.entry("age", num(42)),
            Map.entry("income", num(1234.5)),
            Map.entry("city", text("Paris")),
            Map.entry("member", flag(true)),
            Map.entry("missing", Value.newBuilder().setNull(true).build()));
    assertThat(p.rows().get(0).outputs())
        .containsExactly(Map.entry("label", text("yes")), Map.entry("p", num(0.75)));
  }

  @Test
  void batchGivesOneRowPerElementOfDimensionZero() {
    String req =
        """
        {"inputs":[
          {"name":"x","shape":[3],"datatype":"FP32","data":[1,2,3]},
          {"name":"flag","shape":[3,1],"datatype":"BOOL","data":[true,false,true]}]}
        """;
    String resp =
        """
        {"outputs":[{"name":"y","shape":[3],"datatype":"INT64","data":[10,20,30]}]}
        """;
    ExchangeParser.Payload p =
        parser.parse(Exchanges.v2("/v2/models/m/versions/2/infer", req, 200, resp));

    assertThat(p.errors()).isEmpty();
    assertThat(p.modelVersion()).isEqualTo("2");
    assertThat(p.rows()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(p.rows().get(i).features()).containsEntry("x", num(i + 1));
      assertThat(p.rows().get(i).outputs()).containsEntry("y", num(10 * (i + 1)));
    }
    assertThat(p.rows().get(1).features()).containsEntry("flag", flag(false));
  }

  @Test
  void embeddingsAndScoresBecomeNumberLists() {
    String req =
        """
        {"inputs":[{"name":"emb","shape":[2,4],"datatype":"FP32",
          "data":[[0.1,0.2,0.3,0.4],[1,2,3,4]]}]}
        """;
    String resp =
        """
        {"outputs":[{"name":"scores","shape":[2,3],"datatype":"FP32","data":[0.1,0.2,0.7,0.5,0.4,0.1]}]}
        """;
    ExchangeParser.Payload p = parser.parse(Exchanges.v2("/v2/models/m/infer", req, 200, resp));

    assertThat(p.errors()).isEmpty();
    assertThat(p.rows().get(0).features()).containsEntry("emb", list(0.1, 0.2, 0.3, 0.4));
    assertThat(p.rows().get(1).features()).containsEntry("emb", list(1, 2, 3, 4));
    assertThat(p.rows().get(0).outputs()).containsEntry("scores", list(0.1, 0.2, 0.7));
    assertThat(p.rows().get(1).outputs()).containsEntry("scores", list(0.5, 0.4, 0.1));
  }

  @Test
  void bytesWithSeveralPerRowBecomeAJsonArrayText() {
    String req =
        """
        {"inputs":[{"name":"tags","shape":[1,2],"datatype":"BYTES","data":["a","b\\"c"]}]}
        """;
    ExchangeParser.Payload p =
        parser.parse(Exchanges.v2("/v2/models/m/infer", req, 200, "{\"outputs\":[]}"));
    assertThat(p.rows().get(0).features()).containsEntry("tags", text("[\"a\",\"b\\\"c\"]"));
  }

  @Test
  void nonNumericNumbersAndNumbersAsTextAreRead() {
    String req =
        """
        {"inputs":[{"name":"x","shape":[3],"datatype":"FP64","data":[NaN,"2.5","abc"]}]}
        """;
    ExchangeParser.Payload p =
        parser.parse(Exchanges.v2("/v2/models/m/infer", req, 200, "{\"outputs\":[]}"));
    assertThat(p.rows().get(0).features().get("x").getNumber()).isNaN();
    assertThat(p.rows().get(1).features()).containsEntry("x", num(2.5));
    assertThat(p.rows().get(2).features()).containsEntry("x", text("abc"));
  }

  @Test
  void shapeThatDoesNotFitTheDataIsReportedAndSkipped() {
    String req =
        """
        {"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5]},
                   {"name":"ok","shape":[1],"datatype":"FP32","data":[9]}]}
        """;
    ExchangeParser.Payload p =
        parser.parse(Exchanges.v2("/v2/models/m/infer", req, 200, "{\"outputs\":[]}"));
    assertThat(p.errors()).containsExactly("request: tensor 'x' has 5 values for shape [2,3]");
    assertThat(p.rows()).hasSize(1);
    assertThat(p.rows().get(0).features()).containsOnlyKeys("ok");
  }

  @Test
  void malformedResponseKeepsTheFeatures() {
    String req = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}";
    ExchangeParser.Payload p =
        parser.parse(Exchanges.v2("/v2/models/m/infer", req, 200, "{\"outputs\": [ {\"name\": "));
    assertThat(p.errors()).singleElement().asString().startsWith("response: malformed JSON");
    assertThat(p.rows()).hasSize(1);
    assertThat(p.rows().get(0).features()).containsEntry("x", num(1));
    assertThat(p.rows().get(0).outputs()).isEmpty();
  }

  @Test
  void nonJsonBodiesAreReportedNotThrown() {
    ExchangeParser.Payload p =
        parser.parse(Exchanges.v2("/v2/models/m/infer", "hello", 200, "<html>oops</html>"));
    assertThat(p.errors()).containsExactly("request: not JSON", "response: not JSON");
    assertThat(p.rows()).isEmpty();
    assertThat(p.model()).isEqualTo("m");
  }

  @Test
  void emptyAndWrongShapedBodies() {
    ExchangeParser.Payload p = parser.parse(Exchanges.v2("/v2/models/m/infer", "", 200, "[1,2]"));
    assertThat(p.errors())
        .containsExactly("request: empty body", "response: JSON is not an object");
    p = parser.parse(Exchanges.v2("/v2/models/m/infer", "{}", 200, "{\"outputs\":3}"));
    assertThat(p.errors())
        .containsExactly("request: no inputs array", "response: no outputs array");
  }

  @Test
  void errorStatusCarriesTheModelsErrorText() {
    String req = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}";
    ExchangeParser.Payload p =
        parser.parse(
            Exchanges.v2("/v2/models/m/infer", req, 500, "{\"error\":\"CUDA out of memory\"}"));
    assertThat(p.errors()).containsExactly("response: status 500: CUDA out of memory");
    assertThat(p.rows().get(0).features()).containsEntry("x", num(1));

    p = parser.parse(Exchanges.v2("/v2/models/m/infer", req, 503, "Service Unavailable"));
    assertThat(p.errors()).containsExactly("response: status 503");
  }

  @Test
  void proxyErrorSkipsTheResponse() {
    Exchange e =
        Exchanges.withBodies(
            Exchanges.v2("/v2/models/m/infer", "", 502, ""),
            Exchanges.bytes(
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"),
            false,
            new byte[0],
            "upstream: unreachable");
    ExchangeParser.Payload p = parser.parse(e);
    assertThat(p.errors()).isEmpty();
    assertThat(p.rows().get(0).features()).containsEntry("x", num(1));
  }

  @Test
  void truncatedBodyIsReportedAsTruncated() {
    String req = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1";
    Exchange e =
        Exchanges.withBodies(
            Exchanges.v2("/v2/models/m/infer", "", 200, ""),
            Exchanges.bytes(req),
            true,
            Exchanges.bytes("{\"outputs\":[]}"),
            "");
    ExchangeParser.Payload p = parser.parse(e);
    assertThat(p.errors())
        .containsExactly("request: truncated at " + req.length() + " bytes, not read");
  }

  @Test
  void binaryTensorsAreReportedNotRead() {
    String req =
        """
        {"inputs":[{"name":"img","shape":[1,4],"datatype":"UINT8","parameters":{"binary_data_size":4}}]}
        """;
    byte[] json = Exchanges.bytes(req);
    byte[] body = Arrays.copyOf(json, json.length + 4);
    Exchange base = Exchanges.v2("/v2/models/m/infer", "", 200, "{\"outputs\":[]}");
    Exchange e =
        new Exchange(
            base.predictionId(),
            "POST",
            base.path(),
            base.parser(),
            base.startEpochMicros(),
            base.latencyNanos(),
            200,
            Map.of("inference-header-content-length", Integer.toString(json.length)),
            base.responseHeaders(),
            body,
            false,
            base.responseBody(),
            false,
            "",
            1.0);
    ExchangeParser.Payload p = parser.parse(e);
    assertThat(p.errors()).containsExactly("request: tensor 'img' uses binary data, not read");
  }

  @Test
  void rowCountMismatchIsReported() {
    String req =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}]}";
    String resp =
        "{\"outputs\":[{\"name\":\"y\",\"shape\":[3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";
    ExchangeParser.Payload p = parser.parse(Exchanges.v2("/v2/models/m/infer", req, 200, resp));
    assertThat(p.errors()).containsExactly("response: 3 output rows for 2 request rows");
    assertThat(p.rows()).hasSize(3);
    assertThat(p.rows().get(2).features()).isEmpty();
  }

  @Test
  void compressedBodiesAreReported() {
    Exchange base = Exchanges.v2("/v2/models/m/infer", "{}", 200, "{}");
    Exchange e =
        new Exchange(
            "id",
            "POST",
            base.path(),
            base.parser(),
            1,
            1,
            200,
            Map.of("content-encoding", "gzip"),
            Map.of(),
            new byte[] {31, -117, 8},
            false,
            Exchanges.bytes("{\"outputs\":[]}"),
            false,
            "",
            1.0);
    assertThat(parser.parse(e).errors())
        .isEqualTo(List.of("request: content-encoding gzip not read"));
  }
}
