package io.driftwatch.sidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading AdmissionReview requests and writing responses. */
class InjectorCodecTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheApiServersReview() throws Exception {
    AdmissionCodec.Request r = AdmissionCodec.read(bytes(Fixtures.review().toString()));
    assertThat(r.uid()).isEqualTo("3b2e5c1a-8f0d-4c39-9a51-7f1d2b7e6c10");
    assertThat(r.operation()).isEqualTo("CREATE");
    assertThat(r.namespace()).isEqualTo("models");
    assertThat(r.createsPod()).isTrue();
    assertThat(r.object()).isEqualTo(Fixtures.tritonPod());
  }

  @Test
  void onlyThePodCreationIsOneToChange() throws Exception {
    for (String change :
        List.of(
            "\"operation\":\"UPDATE\"",
            "\"operation\":\"CONNECT\"",
            "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Service\"}",
            "\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Pod\"}",
            "\"subResource\":\"ephemeralcontainers\"")) {
      ObjectNode review = Fixtures.review();
      ObjectNode request = (ObjectNode) review.get("request");
      JsonNode patch = Fixtures.json("{" + change + "}");
      patch.fields().forEachRemaining(e -> request.set(e.getKey(), e.getValue()));
      assertThat(AdmissionCodec.read(bytes(review.toString())).createsPod()).as(change).isFalse();
    }
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                                  | the body is empty (expected: an AdmissionReview)",
        "not json                                            | the body is not JSON",
        "{\"kind\":                                          | the body is not JSON",
        "[1,2]                                               | the body is not a JSON object",
        "\"AdmissionReview\"                                 | the body is not a JSON object",
        "{}                                                  | kind:  (expected: AdmissionReview)",
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}            | kind: Pod (expected: AdmissionReview)",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1beta1\",\"request\":{\"uid\":\"u\"}} | apiVersion: admission.k8s.io/v1beta1 (expected: admission.k8s.io/v1)",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}                               | request: missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":[]}                | request: missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{}}                | request.uid: missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":7}}       | request.uid: missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\" \"}}   | request.uid: missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\",\"object\":\"pod\"}} | request.object: not an object",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\"}} {} | the body is not JSON",
        "{\"kind\":\"AdmissionReview\",\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\"}} | the body is not JSON",
      })
  void refusesWhatIsNotAnAdmissionReviewV1(String body, String reason) {
    assertThatThrownBy(() -> AdmissionCodec.read(bytes(body)))
        .isInstanceOf(AdmissionCodec.BadReview.class)
        .hasMessageStartingWith(reason)
        .hasNoCause();
  }

  @Test
  void refusesBytesThatAreNotText() {
    byte[] garbage = new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x7b, (byte) 0xc3, 0x28};
    assertThatThrownBy(() -> AdmissionCodec.read(garbage))
        .isInstanceOf(AdmissionCodec.BadReview.class);
    byte[] deep = bytes("[".repeat(100_000));
    assertThatThrownBy(() -> AdmissionCodec.read(deep))
        .isInstanceOf(AdmissionCodec.BadReview.class)
        .hasMessage("the body is not JSON");
  }

  @Test
  void writesAnAllowingResponseWithTheUidAndAnOptionalPatch() {
    JsonNode plain =
        Fixtures.json(
            new String(AdmissionCodec.allow("u-1", null, List.of()), StandardCharsets.UTF_8));
    assertThat(plain)
        .isEqualTo(
            Fixtures.json(
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                    + "\"response\":{\"uid\":\"u-1\",\"allowed\":true}}"));

    var patch = Fixtures.JSON.createArrayNode();
    patch.addObject().put("op", "add").put("path", "/a").put("value", 1);
    JsonNode withPatch =
        Fixtures.json(
            new String(
                AdmissionCodec.allow("u-2", patch, List.of("w1", "w2")), StandardCharsets.UTF_8));
    JsonNode response = withPatch.get("response");
    assertThat(response.get("allowed").asBoolean()).isTrue();
    assertThat(response.get("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(
            Fixtures.json(
                    "{\"p\":"
                        + new String(
                            Base64.getDecoder().decode(response.get("patch").asText()),
                            StandardCharsets.UTF_8)
                        + "}")
                .get("p"))
        .isEqualTo(patch);
    assertThat(response.get("warnings")).hasSize(2);
  }

  @Test
  void errorsAreShortJson() {
    assertThat(
            Fixtures.json(
                new String(AdmissionCodec.error("nope \"quoted\""), StandardCharsets.UTF_8)))
        .isEqualTo(Fixtures.json("{\"error\":\"nope \\\"quoted\\\"\"}"));
  }
}
