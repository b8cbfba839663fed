package io.driftwatch.demo;

import java.util.random.RandomGenerator;

/**
 * Artificial model latency: log-normal with a given mean, so that latency quantiles have the long
 * right tail real model servers show.
 *
 * <p>With log-sd {@value #SIGMA} the median is 0.88 × mean, p90 1.67 × mean and p99 2.82 × mean.
 */
final class LatencyJitter {

  /** Log-space standard deviation: the knob for how heavy the tail is. */
  static final double SIGMA = 0.5;

  private final double meanNanos;
  private final double mu;

  /**
   * @param meanMillis the mean added latency in milliseconds; 0 turns the jitter off
   */
  LatencyJitter(double meanMillis) {
    if (!(meanMillis >= 0) || Double.isInfinite(meanMillis)) {
      throw new IllegalArgumentException(
          "latencyMeanMillis: " + meanMillis + " (expected: finite and >= 0)");
    }
    this.meanNanos = meanMillis * 1e6;
    // E[exp(mu + SIGMA * Z)] = exp(mu + SIGMA^2 / 2) = mean.
    this.mu = meanNanos > 0 ? Math.log(meanNanos) - SIGMA * SIGMA / 2 : 0;
  }

  boolean enabled() {
    return meanNanos > 0;
  }

  /** Returns one latency draw in nanoseconds; 0 when disabled. */
  long sampleNanos(RandomGenerator random) {
    if (meanNanos == 0) {
      return 0;
    }
    return Math.round(Math.exp(mu + SIGMA * random.nextGaussian()));
  }
}
