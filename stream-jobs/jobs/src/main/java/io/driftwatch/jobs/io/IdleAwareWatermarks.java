package io.driftwatch.jobs.io;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded-out-of-orderness watermarks that follow the wall clock once a partition has been quiet
 * for {@code idleTimeout}.
 *
 * <p>Why: a monitoring job must close its last window when traffic stops, and a partition that
 * never receives records must not hold every window open. Event time here is the capture time set
 * by the sidecar, which is wall-clock time, so once a partition is quiet its next record cannot be
 * older than about {@code now - outOfOrderness}; records older than that are late and counted.
 * While a backlog is being read records keep arriving, so the clock never takes over during
 * catch-up.
 */
public final class IdleAwareWatermarks<T> implements WatermarkGenerator<T> {
  private final long outOfOrdernessMillis;
  private final long idleTimeoutMillis;
  private final LongSupplier clock;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastEventWallMillis;
  private boolean markedIdle;
  private long lastEmitted = Long.MIN_VALUE;

  public IdleAwareWatermarks(Duration outOfOrderness, Duration idleTimeout, LongSupplier clock) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idleTimeoutMillis = idleTimeout.toMillis();
    this.clock = clock;
    this.lastEventWallMillis = clock.getAsLong();
  }

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    lastEventWallMillis = clock.getAsLong();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.getAsLong();
    if (maxTimestamp == Long.MIN_VALUE) {
      if (!markedIdle && now - lastEventWallMillis >= idleTimeoutMillis) {
        markedIdle = true;
        output.markIdle();
      }
      return;
    }
    long watermark = maxTimestamp - outOfOrdernessMillis - 1;
    if (now - lastEventWallMillis >= idleTimeoutMillis) {
      watermark = Math.max(watermark, now - idleTimeoutMillis - outOfOrdernessMillis - 1);
    }
    if (watermark > lastEmitted) {
      lastEmitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
