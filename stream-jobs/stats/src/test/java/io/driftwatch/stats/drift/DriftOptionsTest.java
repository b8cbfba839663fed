package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Options validation, thresholds, drift rules and the practical-significance gate. */
class DriftOptionsTest {

  @Test
  void defaultsAreEvidentlys() {
    DriftOptions d = DriftOptions.defaults();
    assertThat(d.thresholdOr(0.05)).isEqualTo(0.05);
    assertThat(d.minEffectSize()).isNaN();
    assertThat(d.jsLogBase()).isEqualTo(Math.E);
    for (DriftMethod m : DriftMethods.all()) {
      assertThat(m.defaultThreshold())
          .as(m.name())
          .isEqualTo(m.kind() == DriftMethod.Kind.P_VALUE ? 0.05 : 0.1);
    }
  }

  @Test
  void invalidValuesFailWithNameValueAndExpectation() {
    assertThatThrownBy(() -> DriftOptions.defaults().withThreshold(-1))
        .hasMessage("threshold: -1.0 (expected: finite and >= 0, or NaN for the default)");
    assertThatThrownBy(() -> DriftOptions.defaults().withJsLogBase(1))
        .hasMessageStartingWith("jsLogBase: 1.0 (expected:");
    assertThatThrownBy(() -> DriftOptions.defaults().withMinEffectSize(Double.POSITIVE_INFINITY))
        .hasMessageStartingWith("minEffectSize: Infinity");
  }

  @Test
  void ksDriftsAtPEqualToTheThresholdButChisquareAndZDoNot() {
    DriftOptions o = DriftOptions.defaults();
    assertThat(DriftMethods.KS.decide(0.3, 0.05, 0.3, 0, o).drift()).isTrue();
    assertThat(DriftMethods.CHISQUARE.decide(9, 0.05, 0.3, 0, o).drift()).isFalse();
    assertThat(DriftMethods.Z.decide(2, 0.05, 0.3, 0, o).drift()).isFalse();
    assertThat(DriftMethods.Z.decide(2, 0.0499, 0.3, 0, o).drift()).isTrue();
  }

  @Test
  void distancesDriftAtTheThreshold() {
    DriftOptions o = DriftOptions.defaults();
    assertThat(DriftMethods.PSI.decide(0.1, Double.NaN, 0.1, 0, o).drift()).isTrue();
    assertThat(DriftMethods.PSI.decide(0.0999, Double.NaN, 0.0999, 0, o).drift()).isFalse();
    DriftResult r = DriftMethods.WASSERSTEIN.decide(0.2, 0.7, 0.2, 0, o);
    assertThat(r.pValue()).isNaN();
    assertThat(r.score()).isEqualTo(0.2);
  }

  @Test
  void practicalSignificanceGateSuppressesTinyEffects() {
    // a large sample: p far below 0.05 but D tiny
    DriftOptions gated = DriftOptions.defaults().withMinEffectSize(0.1);
    assertThat(DriftMethods.KS.decide(0.02, 1e-6, 0.02, 0, DriftOptions.defaults()).drift())
        .isTrue();
    assertThat(DriftMethods.KS.decide(0.02, 1e-6, 0.02, 0, gated).drift()).isFalse();
    assertThat(DriftMethods.KS.decide(0.2, 1e-6, 0.2, 0, gated).drift()).isTrue();
    // Cohen's h is signed; the gate uses its magnitude
    assertThat(DriftMethods.Z.decide(-5, 1e-6, -0.3, 0, gated).drift()).isTrue();
  }

  @Test
  void customThresholdIsReported() {
    DriftResult r =
        DriftMethods.JENSENSHANNON.decide(
            0.15, Double.NaN, 0.15, 0, DriftOptions.defaults().withThreshold(0.2));
    assertThat(r.threshold()).isEqualTo(0.2);
    assertThat(r.drift()).isFalse();
  }

  @Test
  void unknownMethodNamesAreRejected() {
    assertThat(DriftMethods.byName("KS")).isSameAs(DriftMethods.KS);
    assertThatThrownBy(() -> DriftMethods.byName("anderson"))
        .hasMessageStartingWith("drift method: anderson (expected: one of [ks, wasserstein,");
  }
}
