package io.driftwatch.sidecar.capture;

import java.nio.charset.StandardCharsets;

/**
 * Decides which predictions are captured, consistently: the decision is a function of the
 * prediction id alone, so every sidecar (and any tool that re-implements the hash) keeps the same
 * ids. The hash is 64-bit FNV-1a over the id's UTF-8 bytes followed by the MurmurHash3 64-bit
 * finalizer; an id is kept when its top 53 bits, read as a fraction in [0, 1), are below the rate.
 */
public final class Sampler {
  private final double rate;

  /**
   * @param rate the fraction of predictions kept, in [0, 1]; 1 keeps all, 0 none
   */
  public Sampler(double rate) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: 0 <= rate <= 1)");
    }
    this.rate = rate;
  }

  public double rate() {
    return rate;
  }

  /** Whether the prediction with this id is kept. Cheap; safe from any thread. */
  public boolean sampled(String predictionId) {
    if (rate >= 1.0) {
      return true;
    }
    if (rate <= 0.0) {
      return false;
    }
    return fraction(predictionId) < rate;
  }

  /** How many predictions a kept one stands for: 1 / rate. */
  public double weight() {
    return rate > 0.0 ? 1.0 / rate : 1.0;
  }

  /** The id's position in [0, 1). */
  static double fraction(String id) {
    return (hash(id) >>> 11) * 0x1.0p-53;
  }

  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
