package io.driftwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyJitterTest {

  @Test
  void drawsLogNormalLatenciesWithTheConfiguredMean() {
    LatencyJitter jitter = new LatencyJitter(2.0);
    SplittableRandom random = new SplittableRandom(1);
    int n = 50_000;
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      ms[i] = jitter.sampleNanos(random) / 1e6;
    }

    // Log-normal with mean m and log-sd s has sd m * sqrt(exp(s^2) - 1).
    double sd = 2.0 * Math.sqrt(Math.exp(0.25) - 1);
    assertThat(SampleStats.mean(ms)).isCloseTo(2.0, within(SampleStats.Z * sd / Math.sqrt(n)));
    Arrays.sort(ms);
    // Median m * exp(-s^2 / 2) = 0.8825 m; its standard error is under 0.01 ms here.
    assertThat(ms[n / 2]).isCloseTo(2.0 * Math.exp(-0.125), within(0.03));
    assertThat(ms[0]).isPositive();
  }

  @Test
  void zeroTurnsItOff() {
    LatencyJitter off = new LatencyJitter(0);
    assertThat(off.enabled()).isFalse();
    assertThat(off.sampleNanos(new SplittableRandom(1))).isZero();
  }

  @Test
  void rejectsMeansThatAreNotALatency() {
    assertThatThrownBy(() -> new LatencyJitter(-1))
        .hasMessage("latencyMeanMillis: -1.0 (expected: finite and >= 0)");
    assertThatThrownBy(() -> new LatencyJitter(Double.NaN))
        .hasMessage("latencyMeanMillis: NaN (expected: finite and >= 0)");
  }
}
