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
  void everyConnectionHeaderCountsAndItsListMayHaveEmptyAndSpacedElements() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("connection", ",x-a , ,X-B");
    h.add("CONNECTION", "x-c");
    h.add("X-A", "1");
    h.add("x-b", "2");
    h.add("x-c", "3");
    h.add("x-d", "4");
    h.add("transfer-encoding", "chunked");
    HopByHop.strip(h);
    assertThat(h.names()).containsExactlyInAnyOrder("x-d", "transfer-encoding");
  }

  @Test
  void headersWithoutHopByHopOnesAreLeftAsTheyAre() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Content-Type", "application/json");
    h.add("X-Request-Id", "a");
    h.add("X-Request-Id", "b");
    h.add("Connections", "not the one");
    HopByHop.strip(h);
    assertThat(h.getAll("X-Request-Id")).containsExactly("a", "b");
    assertThat(h.names()).containsExactlyInAnyOrder("Content-Type", "X-Request-Id", "Connections");
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
