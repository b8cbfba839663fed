package io.driftwatch.stats.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrafficAccumulatorTest {

  @Test
  void countsErrorsByClassAndWeight() {
    TrafficAccumulator a = new TrafficAccumulator();
    a.add(new LatencyObservation(0.010, 200, 0, 1));
    a.add(new LatencyObservation(0.020, 404, 0, 0)); // weight 0 reads as 1
    a.add(new LatencyObservation(0.030, 503, 0, 2));
    a.add(new LatencyObservation(0.040, 0, 0, 1)); // no response
    a.add(new LatencyObservation(0.050, 200, 14, 1)); // gRPC UNAVAILABLE
    TrafficSummary s = a.result();
    assertThat(s.records()).isEqualTo(5);
    assertThat(s.predictions()).isEqualTo(6.0);
    assertThat(s.clientErrors()).isEqualTo(1.0);
    assertThat(s.serverErrors()).isEqualTo(4.0);
    assertThat(s.serverErrorRatio()).isEqualTo(4.0 / 6.0);
  }

  @Test
  void invalidLatenciesAreCountedAndKeptOutOfTheSketch() {
    TrafficAccumulator a = new TrafficAccumulator();
    a.add(new LatencyObservation(Double.NaN, 200, 0, 1));
    a.add(new LatencyObservation(Double.POSITIVE_INFINITY, 200, 0, 1));
    a.add(new LatencyObservation(-1, 200, 0, 1));
    a.add(new LatencyObservation(0.5, 200, 0, 1));
    TrafficSummary s = a.result();
    assertThat(s.records()).isEqualTo(4);
    assertThat(s.invalidLatencies()).isEqualTo(3);
    assertThat(s.latencyCount()).isEqualTo(1);
    assertThat(s.quantiles()).containsOnly(0.5);
  }

  @Test
  void anEmptyWindowHasNaNQuantilesNotAnException() {
    TrafficSummary s = new TrafficAccumulator().result();
    assertThat(s.records()).isZero();
    assertThat(Arrays.stream(s.quantiles()).allMatch(Double::isNaN)).isTrue();
    assertThat(s.serverErrorRatio()).isNaN();
  }

  @Test
  void quantilesAreWithinTheStatedRankError() {
    // Uniform latencies on [0, 1): the true q-quantile is q, so a value v has true rank v.
    SplittableRandom random = new SplittableRandom(42);
    TrafficAccumulator a = new TrafficAccumulator();
    for (int i = 0; i < 200_000; i++) {
      a.add(new LatencyObservation(random.nextDouble(), 200, 0, 1));
    }
    TrafficSummary s = a.result();
    // Allow the sketch's stated error plus the sample's own deviation (DKW at 99.9%: ~0.0044).
    double tolerance = s.rankError() + Math.sqrt(Math.log(2 / 0.001) / (2 * 200_000.0));
    for (int i = 0; i < TrafficAccumulator.QUANTILES.length; i++) {
      assertThat(s.quantiles()[i]).isCloseTo(TrafficAccumulator.QUANTILES[i], within(tolerance));
    }
    assertThat(s.rankError()).isLessThan(0.014);
  }

  @Test
  void splitThenMergeEqualsOnePassAndMergeCommutes() {
    SplittableRandom random = new SplittableRandom(7);
    TrafficAccumulator whole = new TrafficAccumulator();
    TrafficAccumulator left = new TrafficAccumulator();
    TrafficAccumulator right = new TrafficAccumulator();
    for (int i = 0; i < 5_000; i++) {
      LatencyObservation o =
          new LatencyObservation(
              random.nextDouble() * 0.1, random.nextInt(10) == 0 ? 500 : 200, 0, 1);
      whole.add(o);
      (i % 3 == 0 ? left : right).add(o);
    }
    TrafficAccumulator leftThenRight = copy(left);
    leftThenRight.merge(right);
    TrafficAccumulator rightThenLeft = copy(right);
    rightThenLeft.merge(left);
    for (TrafficAccumulator merged : new TrafficAccumulator[] {leftThenRight, rightThenLeft}) {
      TrafficSummary m = merged.result();
      TrafficSummary w = whole.result();
      assertThat(m.records()).isEqualTo(w.records());
      assertThat(m.serverErrors()).isEqualTo(w.serverErrors());
      assertThat(m.latencySumSeconds()).isCloseTo(w.latencySumSeconds(), within(1e-9));
      assertThat(m.latencyCount()).isEqualTo(w.latencyCount());
      // Below the sketch's level-0 capacity no compaction has happened, so the quantiles match.
      for (int i = 0; i < m.quantiles().length; i++) {
        assertThat(m.quantiles()[i]).isCloseTo(w.quantiles()[i], within(0.1 * w.rankError()));
      }
    }
  }

  @Test
  void codecRoundTripsAndRejectsGarbage() {
    TrafficAccumulator a = new TrafficAccumulator();
    for (int i = 1; i <= 1000; i++) {
      a.add(new LatencyObservation(i / 1000.0, i % 50 == 0 ? 500 : 200, 0, 1));
    }
    byte[] bytes = TrafficAccumulator.CODEC.encode(a);
    assertThat(bytes[0]).isEqualTo((byte) 1);
    TrafficSummary back = TrafficAccumulator.CODEC.decode(bytes).result();
    TrafficSummary orig = a.result();
    assertThat(back.records()).isEqualTo(orig.records());
    assertThat(back.serverErrors()).isEqualTo(orig.serverErrors());
    assertThat(Arrays.equals(back.quantiles(), orig.quantiles())).isTrue();
    assertThatThrownBy(() -> TrafficAccumulator.CODEC.decode(new byte[] {9, 1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] wrongVersion = bytes.clone();
    wrongVersion[0] = 7;
    assertThatThrownBy(() -> TrafficAccumulator.CODEC.decode(wrongVersion))
        .hasMessageContaining("version 7");
  }

  private static TrafficAccumulator copy(TrafficAccumulator a) {
    return TrafficAccumulator.CODEC.decode(TrafficAccumulator.CODEC.encode(a));
  }
}
