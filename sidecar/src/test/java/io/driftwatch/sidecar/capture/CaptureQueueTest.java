package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CaptureQueueTest {

  private static Exchange ofSize(int bodyBytes) {
    Exchange e = Exchanges.v2("/v2/models/m/infer", "", 200, "");
    return Exchanges.withBodies(e, new byte[bodyBytes], false, new byte[0], "");
  }

  @Test
  void refusesBeyondTheRecordBound() {
    CaptureQueue q = new CaptureQueue(3, 1 << 20);
    assertThat(q.offer(ofSize(1))).isTrue();
    assertThat(q.offer(ofSize(1))).isTrue();
    assertThat(q.offer(ofSize(1))).isTrue();
    assertThat(q.offer(ofSize(1))).isFalse();
    assertThat(q.size()).isEqualTo(3);
    assertThat(q.bytes()).isEqualTo(3 * 513L);
  }

  @Test
  void refusesBeyondTheByteBound() {
    // Each exchange is 512 bytes of overhead plus its body.
    CaptureQueue q = new CaptureQueue(100, 3_000);
    assertThat(q.offer(ofSize(988))).isTrue(); // 1500
    assertThat(q.offer(ofSize(988))).isTrue(); // 3000
    assertThat(q.offer(ofSize(0))).isFalse();
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.bytes()).isEqualTo(3_000);
  }

  @Test
  void pollingReleasesBytesAndRoom() {
    CaptureQueue q = new CaptureQueue(1, 10_000);
    Exchange first = ofSize(100);
    assertThat(q.offer(first)).isTrue();
    assertThat(q.offer(ofSize(100))).isFalse();
    assertThat(q.poll()).isSameAs(first);
    assertThat(q.bytes()).isZero();
    assertThat(q.offer(ofSize(100))).isTrue();
    assertThat(q.poll()).isNotNull();
    assertThat(q.poll()).isNull();
    assertThat(q.size()).isZero();
    assertThat(q.bytes()).isZero();
  }

  @Test
  void isFullWhenEitherBoundIsReached() {
    CaptureQueue byRecords = new CaptureQueue(2, 1 << 20);
    assertThat(byRecords.full()).isFalse();
    byRecords.offer(ofSize(1));
    assertThat(byRecords.full()).isFalse();
    byRecords.offer(ofSize(1));
    assertThat(byRecords.full()).isTrue();
    byRecords.poll();
    assertThat(byRecords.full()).isFalse();

    CaptureQueue byBytes = new CaptureQueue(100, 1_500);
    byBytes.offer(ofSize(988)); // 1500 bytes: exactly the bound
    assertThat(byBytes.full()).isTrue();
  }

  @Test
  void aRefusedOfferLeavesNoTrace() {
    CaptureQueue q = new CaptureQueue(10, 1_000);
    assertThat(q.offer(ofSize(2_000))).isFalse();
    assertThat(q.bytes()).isZero();
    assertThat(q.size()).isZero();
  }

  @Test
  void concurrentOffersNeverExceedTheBounds() throws InterruptedException {
    CaptureQueue q = new CaptureQueue(50, 40 * 600L);
    Thread[] threads = new Thread[4];
    long[] accepted = new long[threads.length];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  if (q.offer(ofSize(88))) {
                    accepted[id]++;
                  }
                  if (i % 3 == 0) {
                    q.poll();
                  }
                  assertThat(q.bytes()).isLessThanOrEqualTo(q.maxBytes());
                  assertThat(q.size()).isLessThanOrEqualTo(q.maxExchanges());
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    int left = q.size();
    assertThat(q.bytes()).isEqualTo(left * 600L);
  }

  @Test
  void boundsAreValidated() {
    assertThatThrownBy(() -> new CaptureQueue(0, 1)).hasMessage("maxExchanges: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new CaptureQueue(1, 0)).hasMessage("maxBytes: 0 (expected: >= 1)");
  }
}
