package io.driftwatch.sidecar.proxy;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;

/**
 * The one timer of a client connection, on its event loop, for every timeout the connection keeps
 * (HTTP/1.1 and h2c alike). Deadlines are {@link System#nanoTime()} values; activity only moves
 * them later, so the timer is rescheduled only for an earlier one, and a timer that fires early
 * just runs the check again. Event loop only.
 */
final class ConnectionTimer {
  private final BooleanSupplier live;
  private final LongUnaryOperator check;
  private EventLoop loop;
  private ScheduledFuture<?> future;
  private long dueNanos;

  /**
   * @param live whether the connection still wants its timeouts checked
   * @param check acts on whichever timeout has passed at the given time and returns the nanoseconds
   *     until the next check, or 0 for none
   */
  ConnectionTimer(BooleanSupplier live, LongUnaryOperator check) {
    this.live = live;
    this.check = check;
  }

  /** Binds the timer to the connection's event loop; deadlines asked for before are ignored. */
  void start(EventLoop eventLoop) {
    this.loop = eventLoop;
  }

  /** Makes sure the timeouts are checked by {@code due}. */
  void checkBy(long due) {
    if (loop == null || !live.getAsBoolean()) {
      return;
    }
    if (future != null) {
      if (dueNanos - due <= 0) {
        return;
      }
      future.cancel(false);
    }
    dueNanos = due;
    future = loop.schedule(this::fire, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Stops the timer for good (the connection closed). */
  void cancel() {
    if (future != null) {
      future.cancel(false);
      future = null;
    }
  }

  private void fire() {
    future = null;
    if (!live.getAsBoolean()) {
      return;
    }
    long now = System.nanoTime();
    long next = check.applyAsLong(now);
    if (next > 0) {
      checkBy(now + next);
    }
  }
}
