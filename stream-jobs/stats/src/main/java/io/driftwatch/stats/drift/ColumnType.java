package io.driftwatch.stats.drift;

/** How a feature column is treated by drift methods and by the default method selection. */
public enum ColumnType {
  /** Real-valued data: KS, Wasserstein and the binned methods apply. */
  NUMERICAL,
  /** Labels compared by their counts: chi-square, z and the count-based distances apply. */
  CATEGORICAL
}
