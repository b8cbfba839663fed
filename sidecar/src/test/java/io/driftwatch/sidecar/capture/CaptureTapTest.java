package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureTapTest {
  private static final String INFER = "/v2/models/m/infer";

  private final CaptureStats stats = new CaptureStats();
  private final CaptureQueue queue = new CaptureQueue(1, 1 << 20);
  private final CaptureTap tap =
      new CaptureTap(List.of(new KServeV2Parser()), new Sampler(1.0), 65_536, queue, stats);

  @Test
  void requestsNoParserReadsAreNotCaptured() {
    assertThat(tap.decide("GET", "/v2/health/ready", "id")).isNull();
  }

  @Test
  void aRequestThatBeginsWhileTheQueueHasRoomIsCopied() {
    CaptureTap.Decision decision = tap.decide("POST", INFER, "id");
    assertThat(decision.parser()).isInstanceOf(KServeV2Parser.class);
    assertThat(decision.shed()).isFalse();
    assertThat(decision.records(200)).isTrue();
  }

  @Test
  void aRequestThatBeginsWhileTheQueueIsFullIsShedAndCountedAsQueueFull() {
    tap.offer(Exchanges.v2(INFER, "", 200, ""));
    assertThat(queue.full()).isTrue();

    CaptureTap.Decision decision = tap.decide("POST", INFER, "id");
    assertThat(decision.shed()).isTrue();
    // Still an inference call whose errors would be captured: the proxy counts it when it ends.
    assertThat(decision.captures(500)).isTrue();
    assertThat(decision.records(500)).isFalse();
    tap.shed();
    assertThat(stats.captured()).isEqualTo(1);
    assertThat(stats.droppedByReason()).containsEntry(DropReason.QUEUE_FULL, 1L);

    // Once the worker takes what waits, new requests are copied again.
    queue.poll();
    assertThat(tap.decide("POST", INFER, "id").shed()).isFalse();
  }
}
