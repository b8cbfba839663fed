package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Evidently's default method table ({@code legacy/calculations/stattests/registry.py::
 * _get_default_stattest}, read from the source; see REFERENCE.md §2.1), row by row and at every
 * boundary: n_ref 1000 vs 1001, n_unique 5 vs 6 and 2 vs 3. The second test builds real samples, so
 * n_ref is counted after missing values are dropped and n_unique over reference ∪ current.
 */
class DefaultMethodSelectorTest {

  @ParameterizedTest(name = "{0} n_ref={1} n_unique={2} -> {3}")
  @CsvSource({
    // numerical, many values
    "NUMERICAL, 1000, 6, ks",
    "NUMERICAL, 1001, 6, wasserstein",
    "NUMERICAL, 10, 500, ks",
    "NUMERICAL, 50000, 500, wasserstein",
    // numerical with few values behaves like categorical
    "NUMERICAL, 1000, 5, chisquare",
    "NUMERICAL, 1000, 3, chisquare",
    "NUMERICAL, 1000, 2, z",
    "NUMERICAL, 1000, 1, z",
    "NUMERICAL, 1001, 5, jensenshannon",
    "NUMERICAL, 1001, 2, jensenshannon",
    // categorical, whatever the number of values
    "CATEGORICAL, 1000, 3, chisquare",
    "CATEGORICAL, 1000, 2, z",
    "CATEGORICAL, 1000, 50, chisquare",
    "CATEGORICAL, 1001, 3, jensenshannon",
    "CATEGORICAL, 1001, 2, jensenshannon",
    "CATEGORICAL, 1001, 50, jensenshannon",
  })
  void followsEvidentlysTable(ColumnType type, long nRef, long nUnique, String expected) {
    assertThat(DefaultMethodSelector.select(type, nRef, nUnique).name()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "n_ref={0} (+3 missing) distinct={1} -> {2}")
  @CsvSource({
    "1000, 6, ks",
    "1001, 6, wasserstein",
    "1000, 5, chisquare",
    "1001, 5, jensenshannon",
    "1000, 3, chisquare",
    "1000, 2, z",
  })
  void countsNonMissingReferenceValuesAndUniqueValuesOfBothSides(
      int nRef, int distinct, String expected) {
    double[] ref = new double[nRef + 3];
    for (int i = 0; i < nRef; i++) {
      // the reference holds one value fewer than the union: current adds the last one
      ref[i] = i % Math.max(1, distinct - 1);
    }
    ref[nRef] = Double.NaN;
    ref[nRef + 1] = Double.POSITIVE_INFINITY;
    ref[nRef + 2] = Double.NEGATIVE_INFINITY;
    double[] cur = {0, distinct - 1};
    ColumnSample r = ColumnSample.numerical(ref);
    ColumnSample c = ColumnSample.numerical(cur);

    assertThat(r.size()).isEqualTo(nRef);
    assertThat(r.missing()).isEqualTo(3);
    assertThat(ColumnSample.unionUniqueCount(r, c)).isEqualTo(distinct);
    assertThat(DefaultMethodSelector.select(r, c).name()).isEqualTo(expected);
  }
}
