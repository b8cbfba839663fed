package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportTest {
  private final List<String> warnings = new ArrayList<>();

  @Test
  void autoIsEpollWhereItLoadsElseNio() {
    assertThat(Transport.select("auto", warnings::add))
        .isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    assertThat(warnings).isEmpty();
  }

  @Test
  void nioIsAlwaysThere() {
    assertThat(Transport.select("nio", warnings::add)).isEqualTo(Transport.NIO);
    assertThat(warnings).isEmpty();
  }

  @Test
  void ioUringIsTakenWhereTheKernelAllowsItAndOtherwiseFallsBackWithTheReason() {
    Transport t = Transport.select("io_uring", warnings::add);
    if (IoUring.isAvailable()) {
      assertThat(t).isEqualTo(Transport.IO_URING);
      assertThat(warnings).isEmpty();
    } else {
      assertThat(t).isEqualTo(Transport.best());
      assertThat(warnings)
          .singleElement()
          .asString()
          .startsWith("sidecar: io.transport=io_uring is not available here (")
          .endsWith("); using " + Transport.best().configName());
    }
  }

  @Test
  void epollFallsBackLikewise() {
    Transport t = Transport.select("epoll", warnings::add);
    assertThat(t).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    assertThat(warnings).hasSize(Epoll.isAvailable() ? 0 : 1);
  }

  @Test
  void anUnknownNameIsRefused() {
    assertThatThrownBy(() -> Transport.select("uring", warnings::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("io.transport: uring (expected: auto, epoll, io_uring, nio)");
  }

  @Test
  void configNamesAreWhatTheKeyTakes() {
    assertThat(Transport.IO_URING.configName()).isEqualTo("io_uring");
    assertThat(Transport.EPOLL.configName()).isEqualTo("epoll");
    assertThat(Transport.NIO.configName()).isEqualTo("nio");
  }
}
