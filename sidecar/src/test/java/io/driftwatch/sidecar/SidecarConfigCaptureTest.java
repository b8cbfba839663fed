package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.sidecar.capture.ExchangeParser;
import io.driftwatch.sidecar.capture.GenericJsonParser;
import io.driftwatch.sidecar.capture.KServeV1Parser;
import io.driftwatch.sidecar.capture.KServeV2Parser;
import io.driftwatch.sidecar.capture.OpenAiParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of protocols, redaction and the ingest endpoints. */
class SidecarConfigCaptureTest {

  @Test
  void defaults() {
    SidecarConfig c = SidecarConfig.defaults();
    assertThat(c.protocol()).isEqualTo("auto");
    assertThat(c.genericPaths()).containsExactly("/");
    assertThat(c.genericFeatures()).isEmpty();
    assertThat(c.redactFields()).isEmpty();
    assertThat(c.hashSalt().value()).isEmpty();
    assertThat(c.labelsTopic()).isEqualTo("driftwatch.labels");
    assertThat(c.labelsQueueRecords()).isEqualTo(10_000);
    assertThat(c.ingestMaxBytes()).isEqualTo(1 << 20);
    assertThat(c.cloudEventsPairTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.cloudEventsPendingRecords()).isEqualTo(10_000);
    assertThat(c.cloudEventsPendingBytes()).isEqualTo(32L << 20);
  }

  @Test
  void protocolSelectsTheParsers() {
    List<Class<?>> auto =
        SidecarServer.parsers(SidecarConfig.defaults()).stream()
            .<Class<?>>map(ExchangeParser::getClass)
            .toList();
    assertThat(auto)
        .containsExactly(KServeV2Parser.class, KServeV1Parser.class, OpenAiParser.class);
    assertThat(SidecarServer.parsers(SidecarConfig.builder().protocol("openai").build()))
        .singleElement()
        .isInstanceOf(OpenAiParser.class);
    assertThat(SidecarServer.parsers(SidecarConfig.builder().protocol("kserve-v1").build()))
        .singleElement()
        .isInstanceOf(KServeV1Parser.class);
    SidecarConfig generic =
        SidecarConfig.fromProperties(
            Map.of(
                "protocol", "generic-json",
                "generic.paths", "/score, /predict",
                "generic.features", "age=/customer/age, /customer/city,/a~1b",
                "generic.outputs", "/result/score"));
    assertThat(generic.genericPaths()).containsExactly("/score", "/predict");
    assertThat(generic.genericFeatures())
        .containsExactly(
            Map.entry("age", "/customer/age"),
            Map.entry("city", "/customer/city"),
            Map.entry("a/b", "/a~1b"));
    assertThat(generic.genericOutputs()).containsExactly(Map.entry("score", "/result/score"));
    assertThat(SidecarServer.parsers(generic))
        .singleElement()
        .isInstanceOf(GenericJsonParser.class);
  }

  @Test
  void badCaptureSettingsFailAtStartUp() {
    assertThatThrownBy(() -> SidecarConfig.builder().protocol("grpc").build())
        .hasMessage("protocol: grpc (expected: auto, kserve-v2, kserve-v1, openai, generic-json)");
    assertThatThrownBy(() -> SidecarConfig.builder().protocol("generic-json").build())
        .hasMessageStartingWith("genericFeatures:  (expected: at least one feature or output");
    assertThatThrownBy(
            () -> SidecarConfig.fromProperties(Map.of("generic.features", "age=/customer/age")))
        .hasMessage(
            "genericFeatures: {age=/customer/age} (expected: no pointers unless protocol is"
                + " generic-json (protocol is auto))");
    assertThatThrownBy(
            () ->
                SidecarConfig.fromProperties(
                    Map.of("protocol", "generic-json", "generic.features", "age=customer/age")))
        .hasMessage(
            "generic.features: customer/age (expected: a JSON pointer (RFC 6901) such as"
                + " /inputs/0/age)");
    assertThatThrownBy(
            () ->
                SidecarConfig.fromProperties(
                    Map.of("protocol", "generic-json", "generic.features", "/a/x,/b/x")))
        .hasMessageStartingWith("generic.features: /a/x,/b/x (expected: distinct non-empty names");
    assertThatThrownBy(
            () ->
                SidecarConfig.fromProperties(
                    Map.of(
                        "protocol",
                        "generic-json",
                        "generic.outputs",
                        "/y",
                        "generic.paths",
                        "predict")))
        .hasMessageStartingWith("genericPaths: [predict] (expected: path prefixes starting with /");
    assertThatThrownBy(
            () ->
                SidecarConfig.fromProperties(Map.of("redact.fields", "ssn", "hash.fields", "ssn")))
        .hasMessage("hashFields: ssn (expected: a field that is not also in redactFields)");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("hash.fields", "a,a")))
        .hasMessage("hashFields: [a, a] (expected: distinct, non-empty feature or output names)");
    assertThatThrownBy(() -> SidecarConfig.builder().labelsTopic("no spaces").build())
        .hasMessageStartingWith("labelsTopic: no spaces (expected:");
    assertThatThrownBy(() -> SidecarConfig.builder().ingestMaxBytes(10).build())
        .hasMessage("ingestMaxBytes: 10 (expected: 1024 to 67108864)");
    assertThatThrownBy(() -> SidecarConfig.builder().cloudEventsPairTimeout(Duration.ZERO).build())
        .hasMessage("cloudEventsPairTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> SidecarConfig.builder().cloudEventsPendingBytes(1000).build())
        .hasMessage(
            "cloudEventsPendingBytes: 1000 (expected: >= 66048, room for one event of"
                + " maxCaptureBytes + 512)");
  }

  @Test
  void theSaltNeverShowsInToString() {
    SidecarConfig c =
        SidecarConfig.fromEnvironment(
            Map.of(
                "DRIFTWATCH_SIDECAR_HASH_FIELDS", "email, phone",
                "DRIFTWATCH_SIDECAR_HASH_SALT", "s3cr3t-pepper",
                "DRIFTWATCH_SIDECAR_REDACT_FIELDS", "ssn"));
    assertThat(c.hashFields()).containsExactly("email", "phone");
    assertThat(c.redactFields()).containsExactly("ssn");
    assertThat(c.hashSalt().value()).isEqualTo("s3cr3t-pepper");
    assertThat(c.toString()).doesNotContain("s3cr3t").contains("hashSalt=***");
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }
}
