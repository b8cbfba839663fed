package io.driftwatch.sidecar.capture;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off from the event loops to the capture worker, bounded both in exchanges and in bytes
 * so that a slow or absent Kafka cannot grow the sidecar's memory (the failure KServe's logger is
 * known for). {@link #offer} never blocks: when either bound would be exceeded it refuses and the
 * caller counts the exchange dropped.
 */
public final class CaptureQueue {
  private final int maxExchanges;
  private final long maxBytes;
  private final LinkedBlockingQueue<Exchange> queue;
  private final AtomicLong bytes = new AtomicLong();

  /**
   * @param maxExchanges at most this many exchanges wait (each becomes one or more records)
   * @param maxBytes at most this many bytes wait, as counted by {@link Exchange#sizeBytes()}
   */
  public CaptureQueue(int maxExchanges, long maxBytes) {
    if (maxExchanges < 1) {
      throw new IllegalArgumentException("maxExchanges: " + maxExchanges + " (expected: >= 1)");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
    }
    this.maxExchanges = maxExchanges;
    this.maxBytes = maxBytes;
    this.queue = new LinkedBlockingQueue<>(maxExchanges);
  }

  /**
   * Adds an exchange unless that would exceed a bound. Never blocks.
   *
   * @return false when the queue is full, in exchanges or in bytes
   */
  public boolean offer(Exchange exchange) {
    long size = exchange.sizeBytes();
    long current;
    do {
      current = bytes.get();
      if (current + size > maxBytes) {
        return false;
      }
    } while (!bytes.compareAndSet(current, current + size));
    if (!queue.offer(exchange)) {
      bytes.addAndGet(-size);
      return false;
    }
    return true;
  }

  /** Takes the oldest exchange, waiting up to {@code timeout}; null when none came. */
  public Exchange poll(long timeout, TimeUnit unit) throws InterruptedException {
    Exchange e = queue.poll(timeout, unit);
    if (e != null) {
      bytes.addAndGet(-e.sizeBytes());
    }
    return e;
  }

  /** Takes the oldest exchange without waiting; null when empty. */
  public Exchange poll() {
    Exchange e = queue.poll();
    if (e != null) {
      bytes.addAndGet(-e.sizeBytes());
    }
    return e;
  }

  /** Exchanges waiting now. */
  public int size() {
    return queue.size();
  }

  /** Bytes waiting now (or being added by a concurrent offer); never above {@link #maxBytes()}. */
  public long bytes() {
    return bytes.get();
  }

  public int maxExchanges() {
    return maxExchanges;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
