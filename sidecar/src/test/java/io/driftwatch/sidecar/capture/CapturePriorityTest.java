package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CapturePriorityTest {
  /** Runs {@code body} on a new thread and waits for it. */
  private static void onNewThread(Runnable body) throws InterruptedException {
    Thread t = new Thread(body, "priority-test");
    t.start();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
  }

  @Test
  void idleMovesTheThreadAndTheThreadsItStartsToSchedIdle() throws InterruptedException {
    assumeTrue(SchedPolicy.available(), "Linux only");
    AtomicReference<String> notApplied = new AtomicReference<>("not run");
    AtomicInteger self = new AtomicInteger(-1);
    AtomicInteger child = new AtomicInteger(-1);
    onNewThread(
        () -> {
          notApplied.set(CapturePriority.IDLE.applyToCurrentThread());
          self.set(SchedPolicy.ofCurrentThread());
          try {
            onNewThread(() -> child.set(SchedPolicy.ofCurrentThread()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(notApplied.get()).isNull();
    assertThat(self.get()).isEqualTo(SchedPolicy.IDLE);
    assertThat(child.get()).isEqualTo(SchedPolicy.IDLE);
    // Only that thread moved.
    assertThat(SchedPolicy.ofCurrentThread()).isEqualTo(SchedPolicy.OTHER);
  }

  @Test
  void normalLeavesTheThreadAlone() throws InterruptedException {
    assumeTrue(SchedPolicy.available(), "Linux only");
    AtomicReference<String> notApplied = new AtomicReference<>("not run");
    AtomicInteger self = new AtomicInteger(-1);
    onNewThread(
        () -> {
          notApplied.set(CapturePriority.NORMAL.applyToCurrentThread());
          self.set(SchedPolicy.ofCurrentThread());
        });
    assertThat(notApplied.get()).isNull();
    assertThat(self.get()).isEqualTo(SchedPolicy.OTHER);
  }

  @Test
  void parsesItsConfigurationValues() {
    assertThat(CapturePriority.parse("idle")).isEqualTo(CapturePriority.IDLE);
    assertThat(CapturePriority.parse(" Normal ")).isEqualTo(CapturePriority.NORMAL);
    assertThat(CapturePriority.parse("realtime")).isNull();
    assertThat(CapturePriority.parse(null)).isNull();
    for (String v : CapturePriority.VALUES) {
      assertThat(CapturePriority.parse(v).value()).isEqualTo(v);
    }
  }
}
