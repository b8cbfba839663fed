package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Column typing from CSV cells, following Evidently's legacy {@code _get_column_type} with pandas'
 * {@code read_csv} dtypes (integer column with ≤ 5 distinct reference values → categorical).
 */
class ColumnTyperTest {

  @Test
  void stringsAreCategorical() {
    assertThat(ColumnTyper.infer(cells("a", "b", "1"), cells("a", "c")))
        .isEqualTo(ColumnType.CATEGORICAL);
  }

  @Test
  void nonIntegerNumbersAreNumerical() {
    assertThat(ColumnTyper.infer(cells("1.5", "2", "3"), cells("1", "2.0")))
        .isEqualTo(ColumnType.NUMERICAL);
  }

  @Test
  void integersWithFiveDistinctReferenceValuesAreCategoricalAndSixAreNumerical() {
    assertThat(ColumnTyper.infer(cells("1", "2", "3", "4", "5", "5"), cells("1", "9", "10", "11")))
        .isEqualTo(ColumnType.CATEGORICAL);
    assertThat(ColumnTyper.infer(cells("1", "2", "3", "4", "5", "6"), cells("1", "2")))
        .isEqualTo(ColumnType.NUMERICAL);
  }

  @Test
  void anIntegerColumnWithAMissingCellIsReadAsFloatLikePandasDoes() {
    // pandas reads "1,2,,3" as float64, and Evidently takes the dtype from the current data
    assertThat(ColumnTyper.infer(cells("1", "2", "3"), cells("1", "", "2")))
        .isEqualTo(ColumnType.NUMERICAL);
  }

  @Test
  void missingTokensAndInfinitiesAreDroppedPerSide() {
    ColumnTyper.Typed t =
        ColumnTyper.typed(
            cells("1.5", "NaN", "", "inf", "2.5", "null"), cells("-inf", "3.5", "NA"));
    assertThat(t.type()).isEqualTo(ColumnType.NUMERICAL);
    assertThat(t.reference().size()).isEqualTo(2);
    assertThat(t.reference().missing()).isEqualTo(4);
    assertThat(t.current().size()).isEqualTo(1);
    assertThat(t.current().missing()).isEqualTo(2);
  }

  @Test
  void categoricalIntegersKeepNumericOrderForTheZTest() {
    ColumnTyper.Typed t = ColumnTyper.typed(cells("10", "9", "10"), cells("9", "9", "10"));
    assertThat(t.type()).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(t.reference().counts().numericKeys()).isTrue();
    // 9 sorts before 10 numerically (but not as text)
    assertThat(t.reference().counts().key(0)).isEqualTo("9.0");
  }

  @Test
  void booleansAreNumericalLikePandasBoolDtype() {
    ColumnTyper.Typed t = ColumnTyper.typed(cells("True", "False"), cells("true", "FALSE"));
    assertThat(t.type()).isEqualTo(ColumnType.NUMERICAL);
    assertThat(t.reference().values()).containsExactly(0.0, 1.0);
  }

  private static String[] cells(String... c) {
    return c;
  }
}
