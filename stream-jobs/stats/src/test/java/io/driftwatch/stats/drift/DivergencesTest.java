package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Zero filling against NumPy ({@code parity/zero_fill.txt}: Evidently's {@code np.place(a, a == 0,
 * min(a[a != 0]) / 10**6 if min(...) <= 0.0001 else 0.0001)}) and the distance formulas on hand
 * -checkable inputs.
 */
class DivergencesTest {

  static Stream<ParityData.Section> fills() {
    return ParityData.sections("zero_fill.txt").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fills")
  void zeroFillingEqualsEvidentlys(ParityData.Section c) {
    double[] shares = ParityData.numbers(c.get("shares"));
    double[] before = shares.clone();
    assertThat(Divergences.fillZeros(shares)).containsExactly(ParityData.numbers(c.get("filled")));
    assertThat(shares).containsExactly(before);
  }

  @Test
  void allZeroSharesCannotBeFilled() {
    assertThatThrownBy(() -> Divergences.fillZeros(new double[] {0, 0}))
        .hasMessage("shares: all zero (expected: at least one > 0)");
  }

  @Test
  void identicalDistributionsAreAtDistanceZero() {
    double[] p = {0.2, 0.3, 0.5};
    assertThat(Divergences.psi(p, p)).isZero();
    assertThat(Divergences.klDivergence(p, p)).isZero();
    assertThat(Divergences.jensenShannon(p, p, Math.E)).isZero();
    assertThat(Divergences.hellinger(p, p)).isLessThan(1e-7);
    assertThat(Divergences.lInfinity(p, p)).isZero();
  }

  @Test
  void disjointSupportsAreAtMaximalDistance() {
    double[] p = {1, 0};
    double[] q = {0, 1};
    // JS of disjoint distributions is sqrt(ln 2) in nats and exactly 1 in bits
    assertThat(Divergences.jensenShannon(p, q, Math.E)).isEqualTo(Math.sqrt(Math.log(2)));
    assertThat(Divergences.jensenShannon(p, q, 2)).isEqualTo(1.0);
    assertThat(Divergences.hellinger(p, q)).isEqualTo(1.0);
    assertThat(Divergences.klDivergence(p, q)).isInfinite();
    assertThat(Divergences.lInfinity(p, q)).isEqualTo(1.0);
  }

  @Test
  void lengthMismatchIsRejected() {
    assertThatThrownBy(() -> Divergences.psi(new double[] {1}, new double[] {0.5, 0.5}))
        .hasMessage("share vector lengths: 1, 2 (expected: equal)");
  }
}
