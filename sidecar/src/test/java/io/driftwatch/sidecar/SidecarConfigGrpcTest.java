package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarConfigGrpcTest {
  @Test
  void grpcCallsGoToTheUpstreamUnlessConfigured() {
    SidecarConfig c = SidecarConfig.fromProperties(Map.of("upstream", "http://model:8000"));
    assertThat(c.upstreamGrpc()).isNull();
    assertThat(c.upstreamGrpcHost()).isEqualTo("model");
    assertThat(c.upstreamGrpcPort()).isEqualTo(8000);
  }

  @Test
  void keyAndEnvironmentVariableSetTheGrpcUpstream() {
    SidecarConfig c =
        SidecarConfig.fromProperties(
            Map.of("upstream", "http://model:8000", "upstream.grpc", "http://[::1]:8001"));
    assertThat(c.upstreamGrpcHost()).isEqualTo("::1");
    assertThat(c.upstreamGrpcPort()).isEqualTo(8001);
    assertThat(c.toBuilder().build()).isEqualTo(c);

    SidecarConfig e =
        SidecarConfig.fromEnvironment(
            Map.of("DRIFTWATCH_SIDECAR_UPSTREAM_GRPC", "http://triton:8001"));
    assertThat(e.upstreamGrpcHost()).isEqualTo("triton");
    assertThat(e.upstreamGrpcPort()).isEqualTo(8001);
    assertThat(SidecarConfig.fromEnvironment(Map.of("DRIFTWATCH_SIDECAR_UPSTREAM_GRPC", "")))
        .isEqualTo(SidecarConfig.defaults());
  }

  @Test
  void aBadGrpcUpstreamFailsAtStartUp() {
    assertThatThrownBy(() -> SidecarConfig.builder().upstreamGrpc("https://triton:8001").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("upstreamGrpc: https://triton:8001 (expected: http://host:port");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("upstream.grpc", "triton:8001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("upstreamGrpc: triton:8001 (expected:");
  }
}
