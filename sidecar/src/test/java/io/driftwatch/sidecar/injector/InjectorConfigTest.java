package io.driftwatch.sidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InjectorConfigTest {

  private static Map<String, String> required() {
    Map<String, String> m = new HashMap<>();
    m.put("image", Fixtures.IMAGE);
    m.put("kafka.bootstrap.servers", "kafka:9092");
    return m;
  }

  @Test
  void defaults() {
    InjectorConfig c = InjectorConfig.fromProperties(required());
    assertThat(c.listenHost()).isEqualTo("0.0.0.0");
    assertThat(c.listenPort()).isEqualTo(8443);
    assertThat(c.tlsCert()).isEqualTo(Path.of("/etc/driftwatch/tls/tls.crt"));
    assertThat(c.tlsKey()).isEqualTo(Path.of("/etc/driftwatch/tls/tls.key"));
    assertThat(c.tlsReloadInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxRequestBytes()).isEqualTo(2 * 1024 * 1024);
    assertThat(c.imagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(c.sidecarListenPort()).isEqualTo(8081);
    assertThat(c.sidecarAdminPort()).isEqualTo(9091);
    assertThat(List.of(c.cpuRequest(), c.memoryRequest(), c.cpuLimit(), c.memoryLimit()))
        .containsExactly("100m", "256Mi", "2", "512Mi");
    assertThat(c.sidecarOtlpEndpoint()).isEmpty();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    Set<String> names = new HashSet<>();
    InjectorConfig.KEYS.forEach(k -> assertThat(names.add(k.name())).isTrue());
  }

  @Test
  void theSidecarDefaultsAgreeWithTheSidecars() {
    InjectorConfig c = InjectorConfig.fromProperties(required());
    io.driftwatch.sidecar.SidecarConfig sidecar = io.driftwatch.sidecar.SidecarConfig.defaults();
    assertThat(c.sidecarListenPort()).isEqualTo(sidecar.listenPort());
    assertThat(c.sidecarAdminPort()).isEqualTo(sidecar.adminPort());
  }

  @Test
  void environmentMapsOntoKeysAndUnknownKeysFail() {
    InjectorConfig c =
        InjectorConfig.fromEnvironment(
            Map.of(
                "DRIFTWATCH_INJECTOR_IMAGE", "img:1",
                "DRIFTWATCH_INJECTOR_KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "DRIFTWATCH_INJECTOR_SIDECAR_LISTEN_PORT", "15000",
                "DRIFTWATCH_INJECTOR_TLS_RELOAD_INTERVAL_MS", "0",
                "DRIFTWATCH_SIDECAR_LISTEN_PORT", "1",
                "PATH", "/bin"));
    assertThat(c.image()).isEqualTo("img:1");
    assertThat(c.sidecarListenPort()).isEqualTo(15000);
    assertThat(c.tlsReloadInterval()).isZero();
    assertThatThrownBy(
            () -> InjectorConfig.fromEnvironment(Map.of("DRIFTWATCH_INJECTOR_IMAGES", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("DRIFTWATCH_INJECTOR_IMAGES → key: images (expected: one of [");
    assertThat(
            InjectorConfig.fromEnvironment(
                    Map.of(
                        "DRIFTWATCH_INJECTOR_IMAGE", "img:1",
                        "DRIFTWATCH_INJECTOR_KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                        "DRIFTWATCH_INJECTOR_SIDECAR_OTLP_ENDPOINT", "http://otel:4318"))
                .sidecarOtlpEndpoint())
        .isEqualTo("http://otel:4318");
    for (InjectorConfig.Key k : InjectorConfig.KEYS) {
      assertThat(InjectorConfig.keyOfEnv(k.env())).isEqualTo(k.name());
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "image                   | ''           | image:  (expected: a container image",
        "image                   | a b          | image: a b (expected",
        "kafka.bootstrap.servers | ''           | kafkaBootstrapServers:  (expected: host:port",
        "kafka.bootstrap.servers | kafka        | the sidecar would refuse this configuration: kafkaBootstrapServers: kafka (expected: host:port",
        "sidecar.otlp.endpoint   | not a url    | the sidecar would refuse this configuration: ",
        "image.pull.policy       | sometimes    | imagePullPolicy: sometimes (expected: Always, IfNotPresent or Never)",
        "listen.port             | 70000        | listenPort: 70000 (expected: 0 to 65535",
        "listen.port             | http         | listen.port: http (expected: an integer)",
        "sidecar.listen.port     | 0            | sidecarListenPort: 0 (expected: 1 to 65535)",
        "sidecar.admin.port      | 8081         | sidecarAdminPort: 8081 (expected: a port other than sidecarListenPort)",
        "cpu.request             | 100 m        | cpuRequest: 100 m (expected: a Kubernetes quantity",
        "memory.limit            | -1Gi         | memoryLimit: -1Gi (expected: a Kubernetes quantity",
        "cpu.request             | 3            | cpuRequest: 3 (expected: at most cpuLimit 2, or no limit)",
        "memory.request          | 1G           | memoryRequest: 1G (expected: at most memoryLimit 512Mi, or no limit)",
        "max.request.bytes       | 10           | maxRequestBytes: 10 (expected: 4096 to",
        "tls.reload.interval.ms  | -1           | tlsReloadInterval: PT-0.001S (expected: >= 0",
        "tls.cert                | ''           | tls.cert:  (expected: a file path)",
      })
  void badValuesFailAtStartUpNamingTheValue(String key, String value, String message) {
    Map<String, String> p = required();
    p.put(key, value);
    assertThatThrownBy(() -> InjectorConfig.fromProperties(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void requestsMayEqualLimitsOrGoWithout() {
    Map<String, String> p = required();
    p.put("cpu.request", "2000m");
    p.put("memory.request", "536870912");
    InjectorConfig c = InjectorConfig.fromProperties(p);
    assertThat(c.cpuRequest()).isEqualTo("2000m");
    p.put("cpu.limit", "");
    p.put("cpu.request", "64");
    assertThat(InjectorConfig.fromProperties(p).cpuLimit()).isEmpty();
  }

  @Test
  void quantitiesCompareInBaseUnits() {
    assertThat(Quantity.value("100m")).isEqualByComparingTo(new BigDecimal("0.1"));
    assertThat(Quantity.value("1Ki")).isEqualByComparingTo(new BigDecimal("1024"));
    assertThat(Quantity.value("1.5Gi")).isEqualByComparingTo(new BigDecimal("1610612736"));
    assertThat(Quantity.value("1e3")).isEqualByComparingTo(new BigDecimal("1000"));
    assertThat(Quantity.value("1E")).isEqualByComparingTo(new BigDecimal("1e18"));
    assertThat(Quantity.value(".5")).isEqualByComparingTo(new BigDecimal("0.5"));
    for (String bad : List.of("1e", "Mi", "1MB", "1.2.3", "1e999", "0x10", "1 Mi")) {
      assertThatThrownBy(() -> Quantity.check("q", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
