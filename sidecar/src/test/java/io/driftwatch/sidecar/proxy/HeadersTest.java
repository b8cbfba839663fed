package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadersTest {

  /** The names of the headers a forwarded copy of {@code head} keeps, in order. */
  private static List<String> kept(String head) throws Exception {
    byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
    Http1Head h = Http1Head.parse(b, true);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      if (!h.isHopByHop(i)) {
        names.add(h.name(i));
      }
    }
    return names;
  }

  @Test
  void hopByHopHeadersAndTheOnesConnectionNamesAreLeftOut() throws Exception {
    String head =
        "POST /x HTTP/1.1\r\n"
            + "Connection: keep-alive, X-Secret, Content-Length\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "X-Secret: 1\r\n"
            + "TE: trailers\r\n"
            + "Upgrade: h2c\r\n"
            + "Proxy-Authorization: Basic x\r\n"
            + "Content-Length: 10\r\n"
            + "Content-Type: application/json\r\n\r\n";
    assertThat(kept(head)).containsExactly("Content-Length", "Content-Type");
  }

  @Test
  void everyConnectionHeaderCountsAndItsListMayHaveEmptyAndSpacedElements() throws Exception {
    String head =
        "POST /x HTTP/1.1\r\n"
            + "connection: ,x-a , ,X-B\r\n"
            + "CONNECTION: x-c\r\n"
            + "X-A: 1\r\n"
            + "x-b: 2\r\n"
            + "x-c: 3\r\n"
            + "x-d: 4\r\n"
            + "transfer-encoding: chunked\r\n\r\n";
    assertThat(kept(head)).containsExactly("x-d", "transfer-encoding");
  }

  @Test
  void headersWithoutHopByHopOnesAreLeftAsTheyAre() throws Exception {
    String head =
        "GET /x HTTP/1.1\r\n"
            + "Content-Type: application/json\r\n"
            + "X-Request-Id: a\r\n"
            + "X-Request-Id: b\r\n"
            + "Connections: not the one\r\n\r\n";
    assertThat(kept(head))
        .containsExactly("Content-Type", "X-Request-Id", "X-Request-Id", "Connections");
  }

  @Test
  void predictionIdComesFromTheFirstUsableHeader() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("ce-id", "ce");
    h.add("x-request-id", "req");
    assertThat(ProxyConnection.predictionId(h::get)).isEqualTo("req");
    h.add("x-prediction-id", "pred");
    assertThat(ProxyConnection.predictionId(h::get)).isEqualTo("pred");
    h.set("x-prediction-id", "has space");
    assertThat(ProxyConnection.predictionId(h::get)).isEqualTo("req");
    assertThat(ProxyConnection.predictionId(name -> null))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }
}
