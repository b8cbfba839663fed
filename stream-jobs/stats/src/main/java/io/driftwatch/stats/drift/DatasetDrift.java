package io.driftwatch.stats.drift;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dataset drift as Evidently's {@code DataDriftPreset} decides it: each column is tested (by its
 * default method unless one is given) and the dataset drifts when the share of drifted columns is
 * at least {@code driftShare} (default {@value #DEFAULT_DRIFT_SHARE}). Columns whose test is an
 * error (e.g. empty on one side) count in neither the numerator nor the denominator and are listed
 * in {@link #errors()}.
 *
 * @param columns every column's result, in input order
 * @param tested columns with a valid result
 * @param drifted columns that drifted
 * @param errors columns that could not be tested
 * @param driftShare the share threshold used
 * @param drift whether {@code drifted / tested ≥ driftShare} (false when nothing was tested)
 */
public record DatasetDrift(
    Map<String, DriftResult> columns,
    int tested,
    int drifted,
    int errors,
    double driftShare,
    boolean drift) {

  /** Evidently's {@code drift_share} default. */
  public static final double DEFAULT_DRIFT_SHARE = 0.5;

  /** Copies the column map. */
  public DatasetDrift {
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  /** The share of drifted columns among tested ones; NaN when none was tested. */
  public double share() {
    return tested == 0 ? Double.NaN : (double) drifted / tested;
  }

  /**
   * Aggregates per-column results.
   *
   * @throws IllegalArgumentException when {@code driftShare} is not in [0, 1]
   */
  public static DatasetDrift of(Map<String, DriftResult> columns, double driftShare) {
    if (!(driftShare >= 0 && driftShare <= 1)) {
      throw new IllegalArgumentException("driftShare: " + driftShare + " (expected: in [0, 1])");
    }
    int tested = 0;
    int drifted = 0;
    int errors = 0;
    for (DriftResult r : columns.values()) {
      if (r.isError()) {
        errors++;
      } else {
        tested++;
        if (r.drift()) {
          drifted++;
        }
      }
    }
    boolean drift = tested > 0 && (double) drifted / tested >= driftShare;
    return new DatasetDrift(columns, tested, drifted, errors, driftShare, drift);
  }

  /** Tests one column with Evidently's default method; an empty side is an error result. */
  public static DriftResult testColumn(
      ColumnSample reference, ColumnSample current, DriftOptions options) {
    if (reference.type() != current.type()) {
      return DriftResult.error(
          "default",
          Double.NaN,
          "column type: reference "
              + reference.type()
              + ", current "
              + current.type()
              + " (expected: the same)");
    }
    return DefaultMethodSelector.select(reference, current).test(reference, current, options);
  }
}
