package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.v1.Protocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenericJsonParserTest {
  private static final String REQUEST =
      "{\"customer\": {\"age\": 37, \"city\": \"Lille\", \"tags\": [\"a\", \"b\"]},"
          + " \"amounts\": [12.5, 40], \"flags\": {\"vip\": true}}";
  private static final String RESPONSE =
      "{\"result\": {\"score\": 0.82, \"decision\": \"approve\"}, \"model\": {\"version\": \"3\"}}";

  private static GenericJsonParser parser() {
    Map<String, String> features = new LinkedHashMap<>();
    features.put("age", "/customer/age");
    features.put("city", "/customer/city");
    features.put("tags", "/customer/tags");
    features.put("amounts", "/amounts");
    features.put("first_amount", "/amounts/0");
    features.put("vip", "/flags/vip");
    features.put("income", "/customer/income");
    return new GenericJsonParser(
        List.of("/score", "/v1/predict"),
        features,
        Map.of("score", "/result/score", "decision", "/result/decision"));
  }

  @Test
  void claimsPostsUnderTheConfiguredPrefixes() {
    GenericJsonParser p = parser();
    assertThat(p.protocol()).isEqualTo(Protocol.GENERIC_JSON);
    assertThat(p.matches("POST", "/score")).isTrue();
    assertThat(p.matches("POST", "/score/batch")).isTrue();
    assertThat(p.matches("POST", "/v1/predict")).isTrue();
    assertThat(p.matches("GET", "/score")).isFalse();
    assertThat(p.matches("POST", "/health")).isFalse();
  }

  @Test
  void pointersPickFeaturesAndOutputs() {
    GenericJsonParser p = parser();
    ExchangeParser.Payload payload = p.parse(Exchanges.of(p, "/score", REQUEST, 200, RESPONSE));
    assertThat(payload.errors()).isEmpty();
    ExchangeParser.Row row = payload.rows().get(0);
    // A pointer that matches nothing leaves the feature out: it is missing, not an error.
    assertThat(row.features().keySet())
        .containsExactly("age", "city", "tags", "amounts", "first_amount", "vip");
    assertThat(row.features().get("age").getNumber()).isEqualTo(37);
    assertThat(row.features().get("city").getText()).isEqualTo("Lille");
    assertThat(row.features().get("tags").getText()).isEqualTo("[\"a\",\"b\"]");
    assertThat(row.features().get("amounts").getNumbers().getValuesList())
        .containsExactly(12.5, 40.0);
    assertThat(row.features().get("first_amount").getNumber()).isEqualTo(12.5);
    assertThat(row.features().get("vip").getFlag()).isTrue();
    assertThat(row.outputs().get("score").getNumber()).isEqualTo(0.82);
    assertThat(row.outputs().get("decision").getText()).isEqualTo("approve");
  }

  @Test
  void errorsAndBadBodiesAreDescribed() {
    GenericJsonParser p = parser();
    ExchangeParser.Payload failed =
        p.parse(Exchanges.of(p, "/score", REQUEST, 503, "{\"error\": \"overloaded\"}"));
    assertThat(failed.errors()).containsExactly("response: status 503: overloaded");
    assertThat(failed.rows().get(0).features()).containsKey("age");

    ExchangeParser.Payload bad = p.parse(Exchanges.of(p, "/score", "age=3", 200, "ok"));
    assertThat(bad.errors()).containsExactly("request: not JSON", "response: not JSON");
    assertThat(bad.rows()).isEmpty();
  }

  @Test
  void anArrayBodyCanBePointedInto() {
    GenericJsonParser p =
        new GenericJsonParser(List.of("/"), Map.of("x", "/0/x"), Map.of("y", "/0"));
    ExchangeParser.Payload payload =
        p.parse(Exchanges.of(p, "/anything", "[{\"x\": 1}]", 200, "[0.25]"));
    assertThat(payload.rows().get(0).features().get("x").getNumber()).isEqualTo(1);
    assertThat(payload.rows().get(0).outputs().get("y").getNumber()).isEqualTo(0.25);
  }
}
