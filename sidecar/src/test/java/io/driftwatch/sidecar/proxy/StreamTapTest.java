package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.sidecar.capture.StreamCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamTapTest {

  private static void add(StreamTap tap, String s, long nanos) {
    ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    tap.add(buf, nanos);
    assertThat(buf.readerIndex()).isZero();
    buf.release();
  }

  @Test
  void countsEventsWithDataAcrossReads() {
    StreamTap tap = new StreamTap(1 << 16);
    add(tap, ": keep-alive\n\n", 1);
    add(tap, "data: {\"a\"", 2);
    add(tap, ":1}\n", 3);
    add(tap, "\ndat", 4);
    add(tap, "a: x\r\n\r\nevent: ping\n\n", 5);
    add(tap, "id: 1\ndata:[DONE]\n\ndata: open", 6);
    StreamCapture c = tap.take();
    assertThat(c.dataEvents()).isEqualTo(3);
    assertThat(c.readEnds()).hasSize(6);
    assertThat(c.readNanos()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(c.tail()).isEmpty();
    assertThat(c.tailOffset()).isEqualTo(c.totalBytes());
    // The byte that ends "data: {"a":1}" (the second LF) came with read 4.
    long end = ": keep-alive\n\ndata: {\"a\":1}\n".length();
    assertThat(c.arrivalNanos(end)).isEqualTo(4);
    assertThat(c.arrivalNanos(0)).isEqualTo(1);
    assertThat(c.arrivalNanos(c.totalBytes())).isEqualTo(-1);
  }

  @Test
  void keepsTheLastBytesBeyondTheHead() {
    StreamTap tap = new StreamTap(10);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      String chunk = "data: " + i + "\n\n";
      all.append(chunk);
      add(tap, chunk, i);
    }
    StreamCapture c = tap.take();
    byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(c.totalBytes()).isEqualTo(bytes.length);
    assertThat(c.dataEvents()).isEqualTo(5000);
    assertThat(c.tail()).hasSize(10);
    assertThat(c.tailOffset()).isEqualTo(bytes.length - 10);
    assertThat(new String(c.tail(), StandardCharsets.UTF_8))
        .isEqualTo(all.substring(all.length() - 10));
    // The first and the last 64 reads are kept, in order.
    assertThat(c.readEnds()).hasSize(StreamCapture.MAX_READS);
    assertThat(c.readNanos()[63]).isEqualTo(63);
    assertThat(c.readNanos()[64]).isEqualTo(5000 - 64);
    assertThat(c.readNanos()[127]).isEqualTo(4999);
    assertThat(c.readEnds()[127]).isEqualTo(bytes.length);
    // An offset in the reads not kept gets the first later arrival known.
    assertThat(c.arrivalNanos(bytes.length / 2)).isEqualTo(5000 - 64);
  }

  @Test
  void aTailShorterThanItsRoomFollowsTheHead() {
    StreamTap tap = new StreamTap(8);
    add(tap, "0123456789ab", 1);
    add(tap, "cdef", 2);
    StreamCapture c = tap.take();
    assertThat(c.tailOffset()).isEqualTo(8);
    assertThat(new String(c.tail(), StandardCharsets.US_ASCII)).isEqualTo("89abcdef");
  }

  @Test
  void aReadLargerThanTheRingKeepsItsEnd() {
    StreamTap tap = new StreamTap(4);
    add(tap, "abcdefghijklmnop", 1);
    StreamCapture c = tap.take();
    assertThat(new String(c.tail(), StandardCharsets.US_ASCII)).isEqualTo("mnop");
    assertThat(c.tailOffset()).isEqualTo(12);
  }
}
