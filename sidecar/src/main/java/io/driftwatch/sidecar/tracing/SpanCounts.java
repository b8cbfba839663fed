package io.driftwatch.sidecar.tracing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The span ledger: how many ended spans were exported, dropped (by reason) and are still waiting.
 * Thread-safe; updated by the event loops (admission), the exporter's completion threads and {@link
 * OtlpTracing#close}.
 *
 * <p>Invariant: every ended, sampled span is counted once as admitted, then exactly once as
 * exported or dropped; {@code waiting} is the difference. Unsampled spans are never exported and
 * not counted.
 */
public final class SpanCounts {
  /** The queue of spans waiting for export was full. */
  public static final String QUEUE_FULL = "queue_full";

  /** The collector did not take the batch: unreachable, refused, timed out, after retries. */
  public static final String EXPORT_FAILED = "export_failed";

  /** Still waiting when the sidecar stopped. */
  public static final String SHUTDOWN = "shutdown";

  /** Every drop reason. */
  public static final List<String> REASONS = List.of(QUEUE_FULL, EXPORT_FAILED, SHUTDOWN);

  private final LongAdder exported = new LongAdder();
  private final LongAdder queueFull = new LongAdder();
  private final LongAdder exportFailed = new LongAdder();
  private final LongAdder shutdown = new LongAdder();
  private final AtomicLong waiting = new AtomicLong();
  private final int capacity;
  private volatile boolean closed;

  /**
   * @param capacity the most spans that may wait; {@link #admit()} refuses beyond it
   */
  SpanCounts(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Takes an ended span into the queue if fewer than the capacity wait; else counts it dropped
   * ({@code queue_full}). Lock-free; never blocks.
   */
  boolean admit() {
    long n;
    do {
      n = waiting.get();
      if (n >= capacity) {
        queueFull.increment();
        return false;
      }
    } while (!waiting.compareAndSet(n, n + 1));
    return true;
  }

  void exported(int n) {
    if (!closed) {
      exported.add(n);
      waiting.addAndGet(-n);
    }
  }

  void exportFailed(int n) {
    if (!closed) {
      exportFailed.add(n);
      waiting.addAndGet(-n);
    }
  }

  /**
   * Counts what still waits as dropped ({@code shutdown}) and ignores exports that finish later, so
   * nothing is counted twice; returns how many.
   */
  long abandonWaiting() {
    closed = true;
    long n = waiting.getAndSet(0);
    shutdown.add(n);
    return n;
  }

  /** Spans the collector accepted. */
  public long exported() {
    return exported.sum();
  }

  /** Spans given up, by reason (every reason of {@link #REASONS}, zero included). */
  public Map<String, Long> droppedByReason() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put(QUEUE_FULL, queueFull.sum());
    out.put(EXPORT_FAILED, exportFailed.sum());
    out.put(SHUTDOWN, shutdown.sum());
    return out;
  }

  /** Spans given up, all reasons. */
  public long dropped() {
    return queueFull.sum() + exportFailed.sum() + shutdown.sum();
  }

  /** Ended spans waiting for export or in an export not finished yet. */
  public long waiting() {
    return waiting.get();
  }
}
