package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder on an embedded channel: what it emits for byte strings written here by hand, fed
 * whole and one byte at a time. Expected bodies are the bytes of the input itself.
 */
class Http1DecoderTest {

  /** What a decoder emitted: heads, errors, and bodies as text with their flags. */
  private record Out(List<Object> items) {
    Http1Head head(int i) {
      return (Http1Head) items.get(i);
    }

    /**
     * The bytes of the bodies between head {@code i} and the next head, and whether one was last.
     */
    String body(int headIndex, boolean payloadOnly) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = headIndex + 1; i < items.size() && !(items.get(i) instanceof Http1Head); i++) {
        if (items.get(i) instanceof BodyText t && (t.payload || !payloadOnly)) {
          b.writeBytes(t.text.getBytes(StandardCharsets.ISO_8859_1));
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    long lasts() {
      return items.stream().filter(o -> o instanceof BodyText t && t.last).count();
    }
  }

  private record BodyText(String text, boolean payload, boolean last) {}

  private static Out decode(boolean requests, String input, boolean byteByByte, Boolean... heads) {
    Http1Decoder decoder = new Http1Decoder(requests);
    for (Boolean h : heads) {
      decoder.expectResponse(h);
    }
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    if (byteByByte) {
      for (byte b : bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
      }
    } else {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }
    ch.finish();
    List<Object> items = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      if (o instanceof Http1Body body) {
        ByteBuf c = body.content();
        items.add(new BodyText(c.toString(StandardCharsets.ISO_8859_1), body.payload, body.last));
        body.release();
      } else {
        items.add(o);
      }
    }
    return new Out(items);
  }

  @Test
  void aRequestWithItsBodyWholeOrByteByByte() {
    String body = "{\"inputs\":[1,2,3]}";
    String req =
        "POST /v2/models/m/infer HTTP/1.1\r\nHost: m\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    for (boolean split : new boolean[] {false, true}) {
      Out out = decode(true, req, split);
      Http1Head h = out.head(0);
      assertThat(h.method).isEqualTo("POST");
      assertThat(h.target).isEqualTo("/v2/models/m/infer");
      assertThat(h.contentLength).isEqualTo(body.length());
      assertThat(h.get("host")).isEqualTo("m");
      assertThat(h.keepAlive).isTrue();
      assertThat(out.body(0, false)).isEqualTo(body);
      assertThat(out.lasts()).isEqualTo(1);
    }
  }

  @Test
  void pipelinedRequestsComeOutInOrderAndLeadingEmptyLinesAreSkipped() {
    String a = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    String b = "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    Out out = decode(true, a + "\r\n" + b + a, false);
    List<Http1Head> heads = new ArrayList<>();
    for (Object o : out.items()) {
      if (o instanceof Http1Head h) {
        heads.add(h);
      }
    }
    assertThat(heads).extracting(h -> h.target).containsExactly("/a", "/b", "/a");
    assertThat(heads.get(1).http10).isTrue();
    assertThat(heads.get(1).keepAlive).isTrue();
    assertThat(out.lasts()).isEqualTo(3);
  }

  @Test
  void aChunkedBodyKeepsItsFramingApartFromItsContent() {
    String chunked = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    String req = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked;
    for (boolean split : new boolean[] {false, true}) {
      Out out = decode(true, req + "GET /next HTTP/1.1\r\n\r\n", split);
      assertThat(out.head(0).chunked).isTrue();
      assertThat(out.body(0, false)).as("every byte forwarded").isEqualTo(chunked);
      assertThat(out.body(0, true)).as("the content").isEqualTo("hello world");
      assertThat(out.lasts()).isEqualTo(2);
    }
  }

  @Test
  void responsesToHeadAnd204And304HaveNoBodyAndOneWithoutLengthEndsWithTheConnection() {
    String head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
    String noContent = "HTTP/1.1 204 No Content\r\n\r\n";
    String interim = "HTTP/1.1 100 Continue\r\n\r\n";
    String open = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
    Out out = decode(false, head + noContent + interim + open, false, true, false, false);
    assertThat(out.items()).filteredOn(o -> o instanceof Http1Head).hasSize(4);
    assertThat(out.body(0, false)).isEmpty();
    int last = out.items().size() - 1;
    assertThat(out.items().get(last)).isEqualTo(new BodyText("", true, true));
    assertThat(out.body(out.items().indexOf(out.head(out.items().size() - 3)), false))
        .isEqualTo("until the end");
    assertThat(out.lasts()).isEqualTo(4);
  }

  @Test
  void malformedHeadsAreRefusedWithWhy() {
    assertThat(error(true, "GET / HTTP/1.1\nHost: m\n\n").fault()).isEqualTo(Http1Head.Fault.BAD);
    assertThat(error(true, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n").fault())
        .isEqualTo(Http1Head.Fault.LINE_TOO_LONG);
    assertThat(error(true, "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n").fault())
        .isEqualTo(Http1Head.Fault.HEADERS_TOO_LARGE);
    assertThat(error(true, "GET / HTTP/1.1\r\nX-A : 1\r\n\r\n").fault())
        .isEqualTo(Http1Head.Fault.BAD);
    assertThat(error(true, "GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n").fault())
        .isEqualTo(Http1Head.Fault.BAD);
    assertThat(error(true, "GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n").fault())
        .isEqualTo(Http1Head.Fault.BAD);
    assertThat(error(true, "GET / HTTP/2.0\r\n\r\n").fault()).isEqualTo(Http1Head.Fault.BAD);
    assertThat(error(false, "HTTP/1.1 20 OK\r\n\r\n").fault()).isEqualTo(Http1Head.Fault.BAD);
    assertThat(
            error(
                    false,
                    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .fault())
        .isEqualTo(Http1Head.Fault.BAD);
  }

  @Test
  void aBadChunkIsAnErrorInTheBody() {
    Out out =
        decode(
            true,
            "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n",
            false);
    assertThat(out.items().get(out.items().size() - 1))
        .isInstanceOfSatisfying(Http1Error.class, e -> assertThat(e.inBody()).isTrue());
    assertThat(out.body(0, true)).isEqualTo("hello");
  }

  @Test
  void headerValuesKeepTheirBytesAndLookupIgnoresCase() throws Exception {
    byte[] b =
        "HTTP/1.0 200 OK\r\nX-Name: caf\u00e9 \t\r\nCONTENT-type:  application/json\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    Http1Head h = Http1Head.parse(b, false);
    assertThat(h.status).isEqualTo(200);
    assertThat(h.http10).isTrue();
    assertThat(h.keepAlive).isFalse();
    assertThat(h.get("x-name")).isEqualTo("caf\u00e9");
    assertThat(h.get("content-type")).isEqualTo("application/json");
    assertThat(h.contentLength).isEqualTo(-1);
  }

  private static Http1Error error(boolean requests, String input) {
    Out out = decode(requests, input, false, false);
    assertThat(out.items()).as(input).isNotEmpty();
    return (Http1Error) out.items().get(out.items().size() - 1);
  }
}
