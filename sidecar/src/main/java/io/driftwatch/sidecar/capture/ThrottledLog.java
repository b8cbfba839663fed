package io.driftwatch.sidecar.capture;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval per key, with the number of occurrences it swallowed, so
 * that a broker outage or a stream of bad payloads cannot flood the log.
 */
public final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final Map<String, long[]> state = new ConcurrentHashMap<>();

  public ThrottledLog(Logger log, long interval, TimeUnit unit) {
    this.log = log;
    this.intervalNanos = unit.toNanos(interval);
  }

  /** Logs {@code message} under {@code key} unless the key was logged within the interval. */
  public void warn(String key, String message, Throwable cause) {
    long now = System.nanoTime();
    long[] s = state.computeIfAbsent(key, k -> new long[] {now - intervalNanos, 0});
    long suppressed;
    synchronized (s) {
      if (now - s[0] < intervalNanos) {
        s[1]++;
        return;
      }
      s[0] = now;
      suppressed = s[1];
      s[1] = 0;
    }
    String suffix = suppressed > 0 ? " (" + suppressed + " more since the last report)" : "";
    if (cause != null) {
      log.warn("{}{}: {}", message, suffix, cause.toString());
    } else {
      log.warn("{}{}", message, suffix);
    }
  }
}
