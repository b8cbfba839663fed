package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyTeeTest {

  private static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  @Test
  void keepsTheHeadAndLeavesTheBufferUntouched() {
    BodyTee tee = new BodyTee(8, -1);
    ByteBuf a = buf("hello ");
    ByteBuf b = buf("world!");
    tee.add(a);
    tee.add(b);
    assertThat(a.readerIndex()).isZero();
    assertThat(b.readableBytes()).isEqualTo(6);
    assertThat(tee.truncated()).isTrue();
    assertThat(new String(tee.take(), StandardCharsets.UTF_8)).isEqualTo("hello wo");
    a.release();
    b.release();
  }

  @Test
  void growsWithinTheLimitAndStopsAfterTake() {
    BodyTee tee = new BodyTee(1 << 20, 2);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      ByteBuf chunk = buf("chunk" + i);
      expected.append("chunk").append(i);
      tee.add(chunk);
      chunk.release();
    }
    assertThat(tee.truncated()).isFalse();
    byte[] taken = tee.take();
    assertThat(new String(taken, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    ByteBuf late = buf("late");
    tee.add(late);
    late.release();
    assertThat(taken).hasSize(expected.length());
  }

  @Test
  void zeroLimitKeepsNothing() {
    BodyTee tee = new BodyTee(0, 10);
    ByteBuf b = buf("x");
    tee.add(b);
    b.release();
    assertThat(tee.take()).isEmpty();
    assertThat(tee.truncated()).isTrue();
    assertThat(new BodyTee(10, -1).take()).isEmpty();
  }
}
