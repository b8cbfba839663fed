package io.driftwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftwatch.sidecar.capture.ListSink;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every hostile-traffic case again with the proxy on io_uring ({@code io.transport=io_uring}),
 * where this kernel allows it: the transport changes how the proxy reads and writes, and each case
 * must still hold. Skipped where io_uring is not available (another OS, an old kernel, a seccomp
 * profile that refuses it).
 */
class HostileTrafficIoUringIT extends HostileTrafficIT {

  @BeforeAll
  static void ioUringHere() {
    assumeTrue(
        IoUring.isAvailable(), () -> "io_uring not available: " + IoUring.unavailabilityCause());
  }

  @Override
  String transport() {
    return "io_uring";
  }

  @Test
  void theProxyRunsOnIoUring() throws Exception {
    try (SidecarServer sidecar =
        SidecarServer.start(
            SidecarConfig.builder()
                .ioTransport("io_uring")
                .upstream(URI.create("http://127.0.0.1:9"))
                .listenHost("127.0.0.1")
                .listenPort(0)
                .adminHost("127.0.0.1")
                .adminPort(0)
                .readinessProbeInterval(Duration.ZERO)
                .shutdownTimeout(Duration.ofSeconds(1))
                .build(),
            new ListSink())) {
      assertThat(sidecar.transport()).isEqualTo("io_uring");
    }
  }
}
