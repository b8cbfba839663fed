package io.driftwatch.sidecar.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The policies are read back from /proc ({@link SchedPolicy}), not from the call that set them. */
class CpuPriorityTest {
  /** Runs {@code body} on a new thread and waits for it. */
  private static void onNewThread(Runnable body) throws InterruptedException {
    Thread t = new Thread(body, "priority-test");
    t.start();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"IDLE, 5", "BATCH, 3"})
  void movesTheThreadAndTheThreadsItStarts(CpuPriority priority, int linuxPolicy)
      throws InterruptedException {
    assumeTrue(SchedPolicy.available(), "Linux only");
    AtomicReference<String> notApplied = new AtomicReference<>("not run");
    AtomicInteger self = new AtomicInteger(-1);
    AtomicInteger child = new AtomicInteger(-1);
    onNewThread(
        () -> {
          notApplied.set(priority.applyToCurrentThread());
          self.set(SchedPolicy.ofCurrentThread());
          try {
            onNewThread(() -> child.set(SchedPolicy.ofCurrentThread()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(notApplied.get()).isNull();
    assertThat(self.get()).isEqualTo(linuxPolicy);
    assertThat(child.get()).isEqualTo(linuxPolicy);
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
          notApplied.set(CpuPriority.NORMAL.applyToCurrentThread());
          self.set(SchedPolicy.ofCurrentThread());
        });
    assertThat(notApplied.get()).isNull();
    assertThat(self.get()).isEqualTo(SchedPolicy.OTHER);
  }

  @Test
  void parsesItsConfigurationValues() {
    assertThat(CpuPriority.parse("idle")).isEqualTo(CpuPriority.IDLE);
    assertThat(CpuPriority.parse(" Normal ")).isEqualTo(CpuPriority.NORMAL);
    assertThat(CpuPriority.parse("BATCH")).isEqualTo(CpuPriority.BATCH);
    assertThat(CpuPriority.parse("realtime")).isNull();
    assertThat(CpuPriority.parse(null)).isNull();
    for (CpuPriority p : CpuPriority.values()) {
      assertThat(CpuPriority.parse(p.value())).isEqualTo(p);
    }
    assertThat(CpuPriority.BATCH.policyName()).isEqualTo("SCHED_BATCH");
  }
}
