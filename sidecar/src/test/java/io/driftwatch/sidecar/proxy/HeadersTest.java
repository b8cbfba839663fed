package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeadersTest {

  @Test
  void hopByHopHeadersAndTheOnesConnectionNamesAreRemoved() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Connection", "keep-alive, X-Secret, Content-Length");
    h.add("Keep-Alive", "timeout=5");
    h.add("X-Secret", "1");
    h.add("TE", "trailers");
    h.add("Upgrade", "h2c");
    h.add("Proxy-Authorization", "Basic x");
    h.add("Content-Length", "10");
    h.add("Content-Type", "application/json");
    HopByHop.strip(h);
    assertThat(h.names()).containsExactlyInAnyOrder("Content-Length", "Content-Type");
  }

  @Test
  void predictionIdComesFromTheFirstUsableHeader() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("ce-id", "ce");
    h.add("x-request-id", "req");
    assertThat(ProxyConnection.predictionId(h)).isEqualTo("req");
    h.add("x-prediction-id", "pred");
    assertThat(ProxyConnection.predictionId(h)).isEqualTo("pred");
    h.set("x-prediction-id", "has space");
    assertThat(ProxyConnection.predictionId(h)).isEqualTo("req");
    assertThat(ProxyConnection.predictionId(new DefaultHttpHeaders()))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }
}
