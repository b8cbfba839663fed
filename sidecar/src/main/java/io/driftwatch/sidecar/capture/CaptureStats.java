package io.driftwatch.sidecar.capture;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The capture ledger: how many records were captured, sent and dropped (by reason), and how many
 * are in the sink's hands. Thread-safe; updated by the event loops, the capture worker and the
 * producer's callback thread.
 *
 * <p>Invariant: {@code captured == sent + dropped + inFlight} once the worker has taken a record
 * (exchanges still in the capture queue are not counted yet). An exchange dropped before it was
 * parsed (queue full, shutdown) counts as one captured and one dropped record, since its row count
 * is unknown.
 */
public final class CaptureStats {
  private final LongAdder captured = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final AtomicLong inFlight = new AtomicLong();
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> unreadable = new ConcurrentHashMap<>();

  public CaptureStats() {
    for (String reason : DropReason.ALL) {
      dropped.put(reason, new LongAdder());
    }
  }

  /** Counts {@code n} records the sidecar took responsibility for. */
  public void captured(long n) {
    captured.add(n);
  }

  /** Counts a record handed to the sink whose outcome is not known yet. */
  void handedToSink() {
    inFlight.incrementAndGet();
  }

  /** Counts a record the sink delivered. */
  void sentFromSink() {
    inFlight.decrementAndGet();
    sent.increment();
  }

  /** Counts a record the sink could not deliver. */
  void droppedFromSink(String reason) {
    inFlight.decrementAndGet();
    dropped(reason, 1);
  }

  /**
   * Counts {@code n} records of a successful prediction whose bodies {@code protocol}'s parser
   * could not fully read (the records say why in {@code capture_error}).
   */
  public void unreadable(String protocol, long n) {
    unreadable.computeIfAbsent(protocol, p -> new LongAdder()).add(n);
  }

  /** Unreadable records by protocol, for those seen so far. */
  public Map<String, Long> unreadableByProtocol() {
    Map<String, Long> out = new TreeMap<>();
    unreadable.forEach((p, n) -> out.put(p, n.sum()));
    return out;
  }

  /** Counts {@code n} records dropped for {@code reason} (one of {@link DropReason}). */
  public void dropped(String reason, long n) {
    dropped.computeIfAbsent(reason, r -> new LongAdder()).add(n);
  }

  public long captured() {
    return captured.sum();
  }

  public long sent() {
    return sent.sum();
  }

  /** Records handed to the sink and not yet reported sent or dropped. */
  public long inFlight() {
    return inFlight.get();
  }

  /** All dropped records, every reason together. */
  public long dropped() {
    long total = 0;
    for (LongAdder a : dropped.values()) {
      total += a.sum();
    }
    return total;
  }

  /** Dropped records by reason, every known reason present (0 when none), sorted by reason. */
  public Map<String, Long> droppedByReason() {
    Map<String, Long> out = new TreeMap<>();
    dropped.forEach((reason, count) -> out.put(reason, count.sum()));
    return out;
  }
}
