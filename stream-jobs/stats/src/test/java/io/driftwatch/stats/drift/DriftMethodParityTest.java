package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every drift method against SciPy/NumPy on fixed data sets. Expected values come from {@code
 * parity/drift_methods.txt}, written by {@code src/test/python/generate_parity_fixtures.py}; the
 * {@code source} line of each case names the SciPy/NumPy call (composed the way Evidently's legacy
 * stattests, or NannyML for {@code linf} and base-2 Jensen–Shannon, compose it).
 */
class DriftMethodParityTest {

  static Stream<ParityData.Section> cases() {
    return ParityData.sections("drift_methods.txt").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheReferenceImplementation(ParityData.Section c) {
    ColumnSample ref = ParityData.sample(c.get("reference"), c.get("type"));
    ColumnSample cur = ParityData.sample(c.get("current"), c.get("type"));
    DriftOptions options = DriftOptions.defaults();
    if (c.fields().containsKey("js_base")) {
      options = options.withJsLogBase(ParityData.number(c.get("js_base")));
    }
    DriftMethod method = DriftMethods.byName(c.get("method"));

    DriftResult r = method.test(ref, cur, options);

    assertThat(r.error()).as(c.name()).isNull();
    assertThat(r.method()).isEqualTo(c.get("method"));
    Parity.assertClose(
        c.name() + " statistic", r.statistic(), ParityData.number(c.get("statistic")));
    Parity.assertClose(c.name() + " p-value", r.pValue(), ParityData.number(c.get("p_value")));
    Parity.assertClose(
        c.name() + " effect size", r.effectSize(), ParityData.number(c.get("effect_size")));
    assertThat(r.drift()).as(c.name() + " drift").isEqualTo(Boolean.parseBoolean(c.get("drift")));
    assertThat(r.threshold()).isEqualTo(method.defaultThreshold());
    assertThat(r.errorBound()).isZero();
  }

  @Test
  void everyMethodIsCoveredOnANumericalAndACategoricalDataSet() {
    for (DriftMethod m : DriftMethods.all()) {
      boolean numerical =
          cases()
              .anyMatch(c -> c.get("method").equals(m.name()) && c.get("type").equals("numerical"));
      boolean categorical =
          cases()
              .anyMatch(
                  c -> c.get("method").equals(m.name()) && c.get("type").equals("categorical"));
      assertThat(numerical).as(m.name() + " numerical").isTrue();
      if (m != DriftMethods.KS && m != DriftMethods.WASSERSTEIN) {
        assertThat(categorical).as(m.name() + " categorical").isTrue();
      }
    }
  }

  @Test
  void ksSwitchesFromExactToAsymptoticAbove10000Values() {
    double[] ref10000 = (double[]) ParityData.generate("gen normal seed=43 n=10000 loc=0 scale=1");
    double[] ref10001 = (double[]) ParityData.generate("gen normal seed=43 n=10001 loc=0 scale=1");
    double[] cur = (double[]) ParityData.generate("gen normal seed=44 n=500 loc=0.1 scale=1");

    assertThat(KsTwoSample.test(ref10000, cur).exact()).isTrue();
    assertThat(KsTwoSample.test(ref10001, cur).exact()).isFalse();
    assertThat(KsTwoSample.test(cur, ref10001).exact()).isFalse();
    assertThat(KsTwoSample.MAX_EXACT_N).isEqualTo(10_000);
  }

  @Test
  void numericalOnlyMethodsReturnAnErrorForCategories() {
    ColumnSample cat = ColumnSample.categorical(new String[] {"a", "b"});
    DriftResult ks = DriftMethods.KS.test(cat, cat, DriftOptions.defaults());
    assertThat(ks.isError()).isTrue();
    assertThat(ks.error()).contains("ks: column type CATEGORICAL (expected: NUMERICAL)");
    assertThat(ks.drift()).isFalse();
    DriftResult w = DriftMethods.WASSERSTEIN.test(cat, cat, DriftOptions.defaults());
    assertThat(w.isError()).isTrue();
  }
}
