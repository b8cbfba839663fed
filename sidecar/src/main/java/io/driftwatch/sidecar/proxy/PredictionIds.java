package io.driftwatch.sidecar.proxy;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New prediction ids for requests that bring none: UUID version 7 (RFC 9562), a 48-bit Unix
 * millisecond timestamp followed by 74 random bits. The ids sort by time, which keeps label joins
 * and Kafka keys in arrival order, and they come from {@link ThreadLocalRandom} instead of {@link
 * UUID#randomUUID()}: that one draws from the shared {@code SecureRandom}, a synchronized call on
 * every request, and a prediction id needs uniqueness, not secrecy (anyone who may post labels
 * names the prediction anyway).
 */
final class PredictionIds {
  private PredictionIds() {}

  /** A fresh id, e.g. {@code 019ae9b2-4c1d-7a3e-9f21-5b6c7d8e9f01}. */
  static String next() {
    return of(System.currentTimeMillis(), ThreadLocalRandom.current()).toString();
  }

  /** The version 7 UUID of a timestamp and random bits drawn from {@code random}. */
  static UUID of(long epochMillis, ThreadLocalRandom random) {
    long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
    long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
