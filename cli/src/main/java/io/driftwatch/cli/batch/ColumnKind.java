package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.profile.FeatureProfile;

/** How a column's cells are read once its type is known. */
enum ColumnKind {
  /** Numbers (booleans as 1/0); text is an error. */
  NUMERICAL,
  /** Categories keyed by number (an integer column with few values); text is an error. */
  NUMBER_CATEGORICAL,
  /** Categories keyed by label ({@link CellParser#label}). */
  LABEL_CATEGORICAL;

  /** The drift-method column type. */
  ColumnType type() {
    return this == NUMERICAL ? ColumnType.NUMERICAL : ColumnType.CATEGORICAL;
  }

  /** The kind a profiled feature was built with. */
  static ColumnKind of(FeatureProfile p) {
    if (p.type() == ColumnType.NUMERICAL) {
      return NUMERICAL;
    }
    return p.numericKeys() ? NUMBER_CATEGORICAL : LABEL_CATEGORICAL;
  }
}
