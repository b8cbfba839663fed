package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dataset drift: share of drifted columns ≥ drift_share (Evidently's default 0.5). */
class DatasetDriftTest {

  private static DriftResult result(boolean drift) {
    return DriftMethods.PSI.decide(drift ? 0.5 : 0.01, Double.NaN, 0, 0, DriftOptions.defaults());
  }

  @Test
  void halfTheColumnsDriftingIsDatasetDrift() {
    Map<String, DriftResult> m = new LinkedHashMap<>();
    m.put("a", result(true));
    m.put("b", result(false));
    DatasetDrift d = DatasetDrift.of(m, DatasetDrift.DEFAULT_DRIFT_SHARE);
    assertThat(d.share()).isEqualTo(0.5);
    assertThat(d.drift()).isTrue();
    m.put("c", result(false));
    assertThat(DatasetDrift.of(m, 0.5).drift()).isFalse();
  }

  @Test
  void emptyColumnsAreErrorsAndCountNowhere() {
    ColumnSample empty = ColumnSample.numerical(new double[] {Double.NaN, Double.NaN});
    ColumnSample some = ColumnSample.numerical(new double[] {1, 2, 3, 4, 5, 6, 7});
    DriftResult r = DatasetDrift.testColumn(some, empty, DriftOptions.defaults());
    assertThat(r.isError()).isTrue();
    assertThat(r.error()).isEqualTo("current: no non-missing values");
    assertThat(r.drift()).isFalse();
    assertThat(r.statistic()).isNaN();

    Map<String, DriftResult> m = new LinkedHashMap<>();
    m.put("empty", r);
    m.put("ok", result(true));
    DatasetDrift d = DatasetDrift.of(m, 0.5);
    assertThat(d.tested()).isEqualTo(1);
    assertThat(d.errors()).isEqualTo(1);
    assertThat(d.drift()).isTrue();
    assertThat(DatasetDrift.of(Map.of("empty", r), 0.5).drift()).isFalse();
    assertThat(DatasetDrift.of(Map.of("empty", r), 0.5).share()).isNaN();
  }

  @Test
  void testColumnUsesTheDefaultMethod() {
    ColumnSample ref = ColumnSample.categorical(new String[] {"a", "b", "a", "c"});
    ColumnSample cur = ColumnSample.categorical(new String[] {"a", "b", "b", "c"});
    assertThat(DatasetDrift.testColumn(ref, cur, DriftOptions.defaults()).method())
        .isEqualTo("chisquare");
  }

  @Test
  void driftShareMustBeAShare() {
    assertThatThrownBy(() -> DatasetDrift.of(Map.of(), 1.5))
        .hasMessage("driftShare: 1.5 (expected: in [0, 1])");
  }
}
