package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.sidecar.sched.CpuPriority;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SidecarConfigTest {

  @Test
  void defaults() {
    SidecarConfig c = SidecarConfig.defaults();
    assertThat(c.upstream()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(c.listenPort()).isEqualTo(8081);
    assertThat(c.adminPort()).isEqualTo(9091);
    assertThat(c.topic()).isEqualTo("driftwatch.predictions");
    assertThat(c.model()).isEmpty();
    assertThat(c.modelVersion()).isEmpty();
    assertThat(c.maxCaptureBytes()).isEqualTo(64 * 1024);
    assertThat(c.captureQueueRecords()).isEqualTo(10_000);
    assertThat(c.captureQueueBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.capturePriority()).isEqualTo(CpuPriority.IDLE);
    assertThat(c.samplingRate()).isEqualTo(1.0);
    assertThat(c.readinessProbeInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.producerOverrides()).isEmpty();
  }

  @Test
  void keyDefaultsAgreeWithTheBuilder() {
    SidecarConfig fromKeys =
        SidecarConfig.fromProperties(
            SidecarConfig.KEYS.stream()
                .collect(
                    Collectors.toMap(SidecarConfig.Key::name, SidecarConfig.Key::defaultValue)));
    assertThat(fromKeys).isEqualTo(SidecarConfig.defaults());
    Set<String> names = new HashSet<>();
    SidecarConfig.KEYS.forEach(k -> assertThat(names.add(k.name())).isTrue());
  }

  @Test
  void propertiesAndEnvironmentMapOntoKeys() {
    SidecarConfig c =
        SidecarConfig.fromProperties(
            Map.of(
                "upstream", "http://model:9000",
                "listen.port", "0",
                "sampling.rate", "0.25",
                "model.version", "v3",
                "kafka.producer.linger.ms", "20"));
    assertThat(c.upstreamHost()).isEqualTo("model");
    assertThat(c.upstreamPort()).isEqualTo(9000);
    assertThat(c.listenPort()).isZero();
    assertThat(c.samplingRate()).isEqualTo(0.25);
    assertThat(c.modelVersion()).isEqualTo("v3");
    assertThat(c.producerOverrides()).containsExactly(Map.entry("linger.ms", "20"));

    SidecarConfig e =
        SidecarConfig.fromEnvironment(
            Map.of(
                "PATH", "/bin",
                "DRIFTWATCH_SIDECAR_ADMIN_PORT", "0",
                "DRIFTWATCH_SIDECAR_KAFKA_PRODUCER_LINGER_MS", "7"));
    assertThat(e.adminPort()).isZero();
    assertThat(e.producerOverrides()).containsEntry("linger.ms", "7");
    assertThat(SidecarConfig.KEYS.get(2).env()).isEqualTo("DRIFTWATCH_SIDECAR_LISTEN_PORT");
  }

  @Test
  void unknownKeysFail() {
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("listen.prot", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key: listen.prot (expected: one of [upstream, listen.host");
    assertThatThrownBy(
            () -> SidecarConfig.fromEnvironment(Map.of("DRIFTWATCH_SIDECAR_LISTEN_PROT", "1")))
        .hasMessageStartingWith("DRIFTWATCH_SIDECAR_LISTEN_PROT → key: listen.prot");
  }

  @Test
  void badValuesFailWithNameValueAndExpectation() {
    assertThatThrownBy(() -> SidecarConfig.builder().listenPort(70000).build())
        .hasMessage("listenPort: 70000 (expected: 0 to 65535; 0 for a free port)");
    assertThatThrownBy(() -> SidecarConfig.builder().upstream("https://model:443").build())
        .hasMessage(
            "upstream: https://model:443 (expected: http://host:port with no path, query or user"
                + " info)");
    assertThatThrownBy(() -> SidecarConfig.builder().upstream("http://model:80/v2").build())
        .hasMessageStartingWith("upstream: http://model:80/v2 (expected:");
    assertThatThrownBy(() -> SidecarConfig.builder().samplingRate(2).build())
        .hasMessage("samplingRate: 2.0 (expected: 0 <= rate <= 1)");
    assertThatThrownBy(() -> SidecarConfig.builder().kafkaBootstrapServers("kafka").build())
        .hasMessage("kafkaBootstrapServers: kafka (expected: host:port[,host:port...])");
    assertThatThrownBy(() -> SidecarConfig.builder().topic("bad topic").build())
        .hasMessage("topic: bad topic (expected: 1 to 249 of a-z A-Z 0-9 . _ -, not . or ..)");
    assertThatThrownBy(() -> SidecarConfig.builder().captureQueueRecords(0).build())
        .hasMessage("captureQueueRecords: 0 (expected: >= 1)");
    assertThatThrownBy(
            () -> SidecarConfig.builder().maxCaptureBytes(1024).captureQueueBytes(100).build())
        .hasMessage(
            "captureQueueBytes: 100 (expected: >= 2560, room for one exchange of 2 x"
                + " maxCaptureBytes + 512)");
    assertThatThrownBy(
            () -> SidecarConfig.fromProperties(Map.of("capture.cpu.priority", "realtime")))
        .hasMessage("capture.cpu.priority: realtime (expected: idle, normal)");
    assertThat(
            SidecarConfig.fromEnvironment(
                    Map.of("DRIFTWATCH_SIDECAR_CAPTURE_CPU_PRIORITY", "normal"))
                .capturePriority())
        .isEqualTo(CpuPriority.NORMAL);
    assertThat(SidecarConfig.builder().build().ioTransport()).isEqualTo("auto");
    assertThat(
            SidecarConfig.fromEnvironment(Map.of("DRIFTWATCH_SIDECAR_IO_TRANSPORT", " io_uring "))
                .ioTransport())
        .isEqualTo("io_uring");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("io.transport", "uring")))
        .hasMessage("io.transport: uring (expected: auto, epoll, io_uring, nio)");
    assertThatThrownBy(() -> SidecarConfig.builder().ioTransport("kqueue").build())
        .hasMessage("ioTransport: kqueue (expected: auto, epoll, io_uring, nio)");
    // The event loops: SCHED_BATCH by default; idle is for capture only (a proxy that runs only on
    // CPU nothing else wants would stall inference).
    assertThat(SidecarConfig.builder().build().ioCpuPriority()).isEqualTo(CpuPriority.BATCH);
    assertThat(
            SidecarConfig.fromEnvironment(Map.of("DRIFTWATCH_SIDECAR_IO_CPU_PRIORITY", " Normal "))
                .ioCpuPriority())
        .isEqualTo(CpuPriority.NORMAL);
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("io.cpu.priority", "idle")))
        .hasMessage("io.cpu.priority: idle (expected: batch, normal)");
    assertThatThrownBy(() -> SidecarConfig.builder().ioCpuPriority(CpuPriority.IDLE).build())
        .hasMessage("ioCpuPriority: IDLE (expected: batch, normal)");
    assertThatThrownBy(() -> SidecarConfig.builder().ioCpuPriority(null).build())
        .hasMessage("ioCpuPriority: null (expected: batch, normal)");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("capture.cpu.priority", "batch")))
        .hasMessage("capture.cpu.priority: batch (expected: idle, normal)");
    assertThatThrownBy(
            () -> SidecarConfig.builder().producerOverride("bootstrap.servers", "x:1").build())
        .hasMessageStartingWith("producerOverrides: bootstrap.servers (expected: none of");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("listen.port", "eighty")))
        .hasMessage("listen.port: eighty (expected: an integer)");
    assertThatThrownBy(() -> SidecarConfig.builder().upstreamConnectTimeout(Duration.ZERO).build())
        .hasMessage("upstreamConnectTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("upstream.read.timeout.ms", "0")))
        .hasMessage("upstreamReadTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> SidecarConfig.fromProperties(Map.of("upstream.keepalive.timeout.ms", "0")))
        .hasMessage("upstreamKeepaliveTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> SidecarConfig.fromProperties(Map.of("client.read.timeout.ms", "-1")))
        .hasMessage("clientReadTimeout: PT-0.001S (expected: > 0)");
    assertThatThrownBy(() -> SidecarConfig.builder().clientIdleTimeout(null).build())
        .hasMessage("clientIdleTimeout: null (expected: > 0)");
  }

  @Test
  void timeoutsDefaultToNginxsAndMapFromTheEnvironment() {
    SidecarConfig d = SidecarConfig.defaults();
    assertThat(d.upstreamReadTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.clientReadTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.clientIdleTimeout()).isEqualTo(Duration.ofSeconds(75));
    assertThat(d.clientSendTimeout()).isEqualTo(Duration.ofSeconds(60));
    // Below the idle timeouts of common model servers (uvicorn 5 s), unlike nginx's 60 s.
    assertThat(d.upstreamKeepaliveTimeout()).isEqualTo(Duration.ofSeconds(4));
    SidecarConfig e =
        SidecarConfig.fromEnvironment(
            Map.of(
                "DRIFTWATCH_SIDECAR_UPSTREAM_READ_TIMEOUT_MS", "300000",
                "DRIFTWATCH_SIDECAR_CLIENT_READ_TIMEOUT_MS", "5000",
                "DRIFTWATCH_SIDECAR_CLIENT_IDLE_TIMEOUT_MS", "1000",
                "DRIFTWATCH_SIDECAR_CLIENT_SEND_TIMEOUT_MS", "2500",
                "DRIFTWATCH_SIDECAR_UPSTREAM_KEEPALIVE_TIMEOUT_MS", "1500"));
    assertThat(e.upstreamKeepaliveTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(e.clientSendTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(e.upstreamReadTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(e.clientReadTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(e.clientIdleTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(e.toBuilder().build()).isEqualTo(e);
  }

  @Test
  void toBuilderRoundTrips() {
    SidecarConfig c =
        SidecarConfig.builder().model("m").producerOverride("acks", "1").listenPort(0).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }
}
