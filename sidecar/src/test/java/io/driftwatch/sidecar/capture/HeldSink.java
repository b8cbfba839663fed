package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.PredictionRecord;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A sink for tests that holds the capture worker inside {@link #send} until {@link #release}, so a
 * test can fill the queue behind it; released records go to {@link #kept}. A worker interrupted
 * while held (closing gave up waiting) reports its record dropped at shutdown.
 */
public final class HeldSink implements RecordSink {
  public final ListSink kept = new ListSink();
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  @Override
  public void send(PredictionRecord record, Outcome outcome) {
    entered.countDown();
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome.dropped(DropReason.SHUTDOWN);
      return;
    }
    kept.send(record, outcome);
  }

  /** Waits until the worker is held in a send; false after {@code seconds}. */
  public boolean awaitHeld(long seconds) throws InterruptedException {
    return entered.await(seconds, TimeUnit.SECONDS);
  }

  /** Lets the held send, and every later one, through. */
  public void release() {
    released.countDown();
  }

  @Override
  public void close(Duration timeout) {
    kept.close(timeout);
  }
}
