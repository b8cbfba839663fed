package io.driftwatch.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.sidecar.SidecarConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpSettingsTest {

  @Test
  void offByDefault() {
    OtlpSettings otlp = SidecarConfig.defaults().otlp();
    assertThat(otlp).isEqualTo(OtlpSettings.OFF);
    assertThat(otlp.enabled()).isFalse();
    assertThat(otlp.serviceName()).isEqualTo("driftwatch-sidecar");
    assertThat(otlp.queueSpans()).isEqualTo(2048);
  }

  @Test
  void keysSetEverySetting() {
    SidecarConfig c =
        SidecarConfig.fromProperties(
            Map.of(
                "otlp.endpoint", "http://collector:4318/",
                "otlp.headers", "api-key=abc%3D%3D, x-tenant = t1",
                "otlp.timeout.ms", "1500",
                "otlp.queue.spans", "64",
                "otlp.batch.delay.ms", "200",
                "service.name", "credit",
                "otlp.resource.attributes", "deployment.environment=prod,k8s.pod.name=p-1"));
    OtlpSettings otlp = c.otlp();
    assertThat(otlp.enabled()).isTrue();
    assertThat(otlp.tracesUrl()).isEqualTo("http://collector:4318/v1/traces");
    assertThat(otlp.headers())
        .containsExactly(Map.entry("api-key", "abc=="), Map.entry("x-tenant", "t1"));
    assertThat(otlp.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(otlp.queueSpans()).isEqualTo(64);
    assertThat(otlp.batchDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(otlp.serviceName()).isEqualTo("credit");
    assertThat(otlp.resourceAttributes())
        .containsEntry("deployment.environment", "prod")
        .containsEntry("k8s.pod.name", "p-1");
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void headerValuesNeverReachToString() {
    SidecarConfig c =
        SidecarConfig.builder()
            .set("otlp.endpoint", "https://collector:4318")
            .set("otlp.headers", "authorization=Bearer%20top-secret")
            .build();
    assertThat(c.otlp().headers()).containsEntry("authorization", "Bearer top-secret");
    assertThat(c.toString()).doesNotContain("top-secret").contains("authorization=***");
    assertThatThrownBy(() -> SidecarConfig.builder().set("otlp.headers", "Bearer top-secret"))
        .hasMessage("otlp.headers: entry 1 (expected: key=value,… entries)")
        .message()
        .doesNotContain("top-secret");
  }

  @Test
  void badValuesFailWithNameValueAndExpectation() {
    assertThatThrownBy(() -> SidecarConfig.builder().set("otlp.endpoint", "collector:4318"))
        .hasMessageStartingWith("otlp.endpoint: collector:4318 (expected: empty, or http(s)://");
    assertThatThrownBy(() -> SidecarConfig.builder().set("otlp.endpoint", "http://c:4318/?a=b"))
        .hasMessageStartingWith("otlp.endpoint: http://c:4318/?a=b (expected:");
    assertThatThrownBy(
            () ->
                SidecarConfig.builder()
                    .set("otlp.endpoint", "http://c:4317")
                    .set("otlp.protocol", "grpc"))
        .hasMessageStartingWith("otlp.protocol: grpc (expected: http/protobuf;");
    assertThatThrownBy(() -> SidecarConfig.builder().set("otlp.queue.spans", "0"))
        .hasMessage("otlp.queue.spans: 0 (expected: 1 to 1048576)");
    assertThatThrownBy(() -> SidecarConfig.builder().set("otlp.timeout.ms", "0"))
        .hasMessage("otlp.timeout.ms: PT0S (expected: > 0)");
    assertThatThrownBy(() -> SidecarConfig.builder().set("otlp.batch.delay.ms", "soon"))
        .hasMessage("otlp.batch.delay.ms: soon (expected: an integer)");
    assertThatThrownBy(() -> SidecarConfig.builder().set("service.name", " "))
        .hasMessage("service.name:  (expected: a non-empty name)");
  }

  @Test
  void aGrpcProtocolWithoutAnEndpointStopsNothing() {
    SidecarConfig c = SidecarConfig.builder().set("otlp.protocol", "grpc").build();
    assertThat(c.otlp().enabled()).isFalse();
  }

  @Test
  void standardOpenTelemetryVariablesApplyUnlessTheSidecarsOwnAreSet() {
    SidecarConfig c =
        SidecarConfig.fromEnvironment(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318",
                "OTEL_EXPORTER_OTLP_HEADERS", "k=v",
                "OTEL_SERVICE_NAME", "from-otel",
                "OTEL_RESOURCE_ATTRIBUTES", "team=ml",
                "DRIFTWATCH_SIDECAR_SERVICE_NAME", "from-driftwatch"));
    assertThat(c.otlp().endpoint()).isEqualTo("http://otel:4318");
    assertThat(c.otlp().headers()).containsEntry("k", "v");
    assertThat(c.otlp().resourceAttributes()).containsEntry("team", "ml");
    assertThat(c.otlp().serviceName()).isEqualTo("from-driftwatch");

    assertThatThrownBy(
            () ->
                SidecarConfig.fromEnvironment(
                    Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317",
                        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
        .hasMessageStartingWith("OTEL_EXPORTER_OTLP_PROTOCOL → otlp.protocol: grpc (expected:");
  }

  @Test
  void serviceNameWinsOverTheResourceAttributeUnlessLeftAtItsDefault() {
    OtlpSettings base =
        OtlpSettings.OFF
            .with("otlp.endpoint", "http://c:4318")
            .with("otlp.resource.attributes", "service.name=from-attributes,team=ml");
    assertThat(OtlpTracing.resource(base).getAttribute(SERVICE_NAME)).isEqualTo("from-attributes");
    assertThat(
            OtlpTracing.resource(base.with("service.name", "explicit")).getAttribute(SERVICE_NAME))
        .isEqualTo("explicit");
    assertThat(
            OtlpTracing.resource(OtlpSettings.OFF.with("otlp.endpoint", "http://c:4318"))
                .getAttribute(SERVICE_NAME))
        .isEqualTo("driftwatch-sidecar");
  }

  private static final io.opentelemetry.api.common.AttributeKey<String> SERVICE_NAME =
      io.opentelemetry.api.common.AttributeKey.stringKey("service.name");
}
