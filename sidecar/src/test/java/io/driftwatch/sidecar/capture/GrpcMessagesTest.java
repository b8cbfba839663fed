package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GrpcMessagesTest {
  /** A gRPC frame written by hand: flag, 4-byte big-endian length, bytes. */
  static byte[] frame(int flag, byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(flag);
    out.write(message.length >>> 24);
    out.write(message.length >>> 16);
    out.write(message.length >>> 8);
    out.write(message.length);
    out.write(message, 0, message.length);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  @Test
  void splitsConsecutiveMessagesAndKeepsTheirFlags() {
    byte[] big = new byte[70_000];
    Arrays.fill(big, (byte) 7);
    byte[] body = concat(frame(0, new byte[] {1, 2, 3}), frame(1, big), frame(0, new byte[0]));

    GrpcMessages.Split split = GrpcMessages.split(body, 10);

    assertThat(split.incomplete()).isFalse();
    assertThat(split.error()).isEmpty();
    assertThat(split.messages()).hasSize(3);
    assertThat(split.messages().get(0).compressed()).isFalse();
    assertThat(split.messages().get(0).bytes()).containsExactly(1, 2, 3);
    assertThat(split.messages().get(1).compressed()).isTrue();
    assertThat(split.messages().get(1).bytes()).isEqualTo(big);
    assertThat(split.messages().get(2).bytes()).isEmpty();
  }

  @Test
  void aBodyCutInsideAMessageOrItsPrefixIsIncomplete() {
    byte[] body = concat(frame(0, new byte[] {1, 2, 3}), frame(0, new byte[] {4, 5, 6, 7}));
    for (int cut = 0; cut <= body.length; cut++) {
      GrpcMessages.Split split = GrpcMessages.split(Arrays.copyOf(body, cut), 10);
      int whole = cut < 8 ? 0 : cut < body.length ? 1 : 2;
      assertThat(split.messages()).as("cut at %d", cut).hasSize(whole);
      boolean atBoundary = cut == 0 || cut == 8 || cut == body.length;
      assertThat(split.incomplete()).as("cut at %d", cut).isEqualTo(!atBoundary);
    }
  }

  @Test
  void stopsAtTheMessageLimitAndAtBytesThatAreNotFraming() {
    byte[] body = concat(frame(0, new byte[] {1}), frame(0, new byte[] {2}));
    assertThat(GrpcMessages.split(body, 1).messages()).hasSize(1);

    GrpcMessages.Split bad =
        GrpcMessages.split(
            concat(frame(0, new byte[] {1}), new byte[] {(byte) 0x80, 0, 0, 0, 0}), 10);
    assertThat(bad.messages()).hasSize(1);
    assertThat(bad.error()).isEqualTo("byte 6 is not a gRPC message prefix");

    // A length beyond the int range is a cut body, never an exception.
    GrpcMessages.Split huge =
        GrpcMessages.split(
            new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, 10);
    assertThat(huge.messages()).isEmpty();
    assertThat(huge.incomplete()).isTrue();
  }
}
