package io.driftwatch.sidecar.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SamplerTest {

  @Test
  void theSameIdGetsTheSameDecisionEverywhere() {
    Sampler a = new Sampler(0.3);
    Sampler b = new Sampler(0.3);
    for (int i = 0; i < 10_000; i++) {
      String id = "pred-" + i;
      assertThat(a.sampled(id)).isEqualTo(b.sampled(id)).isEqualTo(a.sampled(id));
    }
  }

  @Test
  void keptFractionMatchesTheRateWithinBinomialError() {
    Random random = new Random(42);
    int n = 200_000;
    for (double rate : new double[] {0.01, 0.1, 0.5, 0.9}) {
      Sampler s = new Sampler(rate);
      int kept = 0;
      for (int i = 0; i < n; i++) {
        if (s.sampled(new UUID(random.nextLong(), random.nextLong()).toString())) {
          kept++;
        }
      }
      // 5 standard deviations of a binomial(n, rate): fails by chance about once in 3.5 million.
      double sd = Math.sqrt(n * rate * (1 - rate));
      assertThat((double) kept).isCloseTo(n * rate, offset(5 * sd));
    }
  }

  @Test
  void aHigherRateKeepsEveryIdALowerRateKeeps() {
    Sampler low = new Sampler(0.1);
    Sampler high = new Sampler(0.4);
    for (int i = 0; i < 50_000; i++) {
      String id = Integer.toHexString(i * 7919);
      if (low.sampled(id)) {
        assertThat(high.sampled(id)).isTrue();
      }
    }
  }

  @Test
  void hashIsPinned() {
    // Pinned: a change of hash would reshuffle which predictions every deployed sidecar keeps.
    // The value was computed by a separate 6-line program (FNV-1a 64 of the UTF-8 bytes, then
    // the MurmurHash3 fmix64 finalizer).
    assertThat(Long.toHexString(Sampler.hash("driftwatch"))).isEqualTo("f0177f9ff4371d8f");
    assertThat(Sampler.hash("abc")).isNotEqualTo(Sampler.hash("abd"));
    assertThat(Sampler.fraction("abc")).isBetween(0.0, 1.0);
  }

  @Test
  void edgesAndWeight() {
    assertThat(new Sampler(1.0).sampled("x")).isTrue();
    assertThat(new Sampler(0.0).sampled("x")).isFalse();
    assertThat(new Sampler(0.25).weight()).isEqualTo(4.0);
    assertThat(new Sampler(1.0).weight()).isEqualTo(1.0);
    assertThatThrownBy(() -> new Sampler(1.5)).hasMessage("rate: 1.5 (expected: 0 <= rate <= 1)");
    assertThatThrownBy(() -> new Sampler(Double.NaN))
        .hasMessage("rate: NaN (expected: 0 <= rate <= 1)");
  }

  @Test
  void errorsAreCapturedWhateverTheSample() {
    CaptureTap.Decision out = new CaptureTap.Decision(new KServeV2Parser(), false, 10.0);
    assertThat(out.captures(200)).isFalse();
    assertThat(out.captures(500)).isTrue();
    assertThat(out.captures(404)).isTrue();
    assertThat(out.weightFor(500)).isEqualTo(1.0);
    CaptureTap.Decision in = new CaptureTap.Decision(new KServeV2Parser(), true, 10.0);
    assertThat(in.captures(200)).isTrue();
    assertThat(in.weightFor(200)).isEqualTo(10.0);
  }
}
