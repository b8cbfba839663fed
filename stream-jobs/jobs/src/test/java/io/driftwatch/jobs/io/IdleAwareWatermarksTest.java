package io.driftwatch.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class IdleAwareWatermarksTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final RecordingOutput output = new RecordingOutput();
  private final IdleAwareWatermarks<String> generator =
      new IdleAwareWatermarks<>(Duration.ofMillis(500), Duration.ofSeconds(1), clock::get);

  @Test
  void followsTheNewestEventMinusOutOfOrderness() {
    generator.onEvent("a", 2_000_000, output);
    generator.onEvent("b", 1_999_000, output);
    generator.onPeriodicEmit(output);
    assertThat(output.watermarks).containsExactly(2_000_000L - 500 - 1);
    generator.onPeriodicEmit(output);
    assertThat(output.watermarks).hasSize(1); // never emits the same watermark twice
  }

  @Test
  void followsTheClockOnceAPartitionWithTrafficGoesQuiet() {
    generator.onEvent("a", clock.get(), output);
    generator.onPeriodicEmit(output);
    clock.addAndGet(5_000);
    generator.onPeriodicEmit(output);
    assertThat(output.watermarks).last().isEqualTo(clock.get() - 1_000 - 500 - 1);
    assertThat(output.idle).isFalse();
  }

  @Test
  void aPartitionWithoutRecordsIsIdleAndDoesNotMoveTheWatermark() {
    clock.addAndGet(5_000);
    generator.onPeriodicEmit(output);
    assertThat(output.idle).isTrue();
    assertThat(output.watermarks).isEmpty();
  }

  @Test
  void aSlowFirstFetchOfABacklogDoesNotMakeTheBacklogLate() {
    long capturedAt = clock.get();
    clock.addAndGet(10_000); // the machine was busy: the first records arrive 10 s later
    generator.onPeriodicEmit(output);
    generator.onEvent("old", capturedAt, output);
    generator.onPeriodicEmit(output);
    assertThat(output.watermarks).containsExactly(capturedAt - 500 - 1);
  }

  private static final class RecordingOutput implements WatermarkOutput {
    final List<Long> watermarks = new ArrayList<>();
    boolean idle;

    @Override
    public void emitWatermark(Watermark watermark) {
      idle = false;
      watermarks.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }
}
