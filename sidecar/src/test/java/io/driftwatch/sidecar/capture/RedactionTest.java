package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
  // Expected hashes computed independently:
  //   python3 -c "import hashlib; print(hashlib.sha256(b'pepper' +
  // b'alice@example.com').hexdigest())"
  private static final String ALICE_SALTED =
      "8b8d9adc4875c0dca816e3e17b7ac87b45e40945b731fa02e3b42bf101589e21";
  private static final String ALICE_UNSALTED =
      "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";
  private static final String FORTY_TWO_SALTED =
      "93ca73bec2907ec825519db1f7ee28cb033d71c83d14b76ef78b0c4e64566e6e";
  private static final String LIST_SALTED =
      "dbb885e5f3991e472603064c4e333dde9d1c826a0db5597c68ea849d2563d624";

  private static Value text(String s) {
    return Value.newBuilder().setText(s).build();
  }

  private static Value number(double d) {
    return Value.newBuilder().setNumber(d).build();
  }

  @Test
  void hashesAreSaltedSha256HexOfTheCanonicalText() {
    Redaction r =
        new Redaction(List.of("ssn"), List.of("email", "zip", "scores", "gone"), "pepper");
    Map<String, Value> in = new LinkedHashMap<>();
    in.put("email", text("alice@example.com"));
    in.put("ssn", text("123-45-6789"));
    in.put("zip", number(42));
    in.put(
        "scores",
        Value.newBuilder()
            .setNumbers(NumberList.newBuilder().addValues(0.5).addValues(1).addValues(2.25))
            .build());
    in.put("gone", Value.newBuilder().setNull(true).build());
    in.put("age", number(31));

    Map<String, Value> out = r.apply(in);
    assertThat(out.keySet()).containsExactly("email", "zip", "scores", "gone", "age");
    assertThat(out.get("email").getText()).isEqualTo(ALICE_SALTED);
    assertThat(out.get("zip").getText()).isEqualTo(FORTY_TWO_SALTED);
    assertThat(out.get("scores").getText()).isEqualTo(LIST_SALTED);
    assertThat(out.get("gone").getKindCase()).isEqualTo(Value.KindCase.NULL);
    assertThat(out.get("age")).isEqualTo(number(31));
    assertThat(new Redaction(List.of(), List.of("email"), "").apply(in).get("email").getText())
        .isEqualTo(ALICE_UNSALTED);
  }

  @Test
  void untouchedMapsAreReturnedAsTheyAre() {
    Map<String, Value> in = Map.of("age", number(3));
    assertThat(new Redaction(List.of("x"), List.of("y"), "s").apply(in)).isSameAs(in);
    assertThat(Redaction.NONE.apply(in)).isSameAs(in);
    assertThat(Redaction.NONE.isEmpty()).isTrue();
  }

  @Test
  void canonicalTextsOfNumbers() {
    assertThat(Redaction.canonicalText(number(42))).isEqualTo("42");
    assertThat(Redaction.canonicalText(number(-3))).isEqualTo("-3");
    assertThat(Redaction.canonicalText(number(0.5))).isEqualTo("0.5");
    assertThat(Redaction.canonicalText(number(1e21))).isEqualTo("1.0E21");
    assertThat(Redaction.canonicalText(Value.newBuilder().setFlag(true).build())).isEqualTo("true");
  }

  @Test
  void theAssemblerRedactsFeaturesAndOutputsBeforeTheRecordLeaves() {
    String request =
        "{\"inputs\":[{\"name\":\"email\",\"shape\":[1],\"datatype\":\"BYTES\","
            + "\"data\":[\"alice@example.com\"]},{\"name\":\"ssn\",\"shape\":[1],"
            + "\"datatype\":\"BYTES\",\"data\":[\"123-45-6789\"]},{\"name\":\"age\","
            + "\"shape\":[1],\"datatype\":\"FP32\",\"data\":[31]}]}";
    String response =
        "{\"outputs\":[{\"name\":\"explanation\",\"shape\":[1],\"datatype\":\"BYTES\","
            + "\"data\":[\"because ssn 123-45-6789\"]},{\"name\":\"score\",\"shape\":[1],"
            + "\"datatype\":\"FP32\",\"data\":[0.5]}]}";
    List<PredictionRecord> records =
        new RecordAssembler(
                "", "", new Redaction(List.of("ssn", "explanation"), List.of("email"), "pepper"))
            .toRecords(Exchanges.v2("/v2/models/m/infer", request, 200, response));
    PredictionRecord r = records.get(0);
    assertThat(r.getFeaturesMap()).containsOnlyKeys("email", "age");
    assertThat(r.getFeaturesMap().get("email").getText()).isEqualTo(ALICE_SALTED);
    assertThat(r.getOutputsMap()).containsOnlyKeys("score");
    assertThat(r.toString()).doesNotContain("123-45-6789").doesNotContain("alice@");
  }
}
