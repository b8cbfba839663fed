package io.driftwatch.sidecar.capture;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off from the event loops to the capture worker, bounded both in exchanges and in bytes
 * so that a slow or absent Kafka cannot grow the sidecar's memory (the failure KServe's logger is
 * known for). {@link #offer} never blocks: when either bound would be exceeded it refuses and the
 * caller counts the exchange dropped.
 *
 * <p>The queue is lock-free and never wakes its consumer: an offer is a few atomic operations on
 * the event loop, with no lock and no futex call, and the worker finds new exchanges when it next
 * polls (see {@link CaptureWorker}, which polls on a short timer while idle). A blocking queue's
 * signal costs a system call on the event loop and a context switch per request whenever the worker
 * has caught up, which is most of the time below saturation.
 */
public final class CaptureQueue {
  private final int maxExchanges;
  private final long maxBytes;
  private final ConcurrentLinkedQueue<Exchange> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
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
    int n;
    do {
      n = count.get();
      if (n >= maxExchanges) {
        bytes.addAndGet(-size);
        return false;
      }
    } while (!count.compareAndSet(n, n + 1));
    queue.offer(exchange);
    return true;
  }

  /** Takes the oldest exchange without waiting; null when empty. */
  public Exchange poll() {
    Exchange e = queue.poll();
    if (e != null) {
      count.decrementAndGet();
      bytes.addAndGet(-e.sizeBytes());
    }
    return e;
  }

  /**
   * Whether the queue is full now, in exchanges or in bytes: an exchange that begins now would very
   * likely be refused when it ends, so the proxy does not copy its bodies (see {@link
   * CaptureTap#decide}). A snapshot; {@link #offer} still enforces both bounds.
   */
  public boolean full() {
    return count.get() >= maxExchanges || bytes.get() >= maxBytes;
  }

  /** Exchanges waiting now (or being added or taken concurrently). */
  public int size() {
    return Math.max(0, count.get());
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
