package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftResult;
import java.util.List;

/**
 * The outcome of one {@code driftwatch drift} run: a result per column and the dataset verdict,
 * with what the renderers need to describe it.
 *
 * @param reference the reference as named on the command line
 * @param current the current data as named on the command line
 * @param sketch whether the reference was a profile (sketch mode) rather than raw data
 * @param referenceRows rows of the reference
 * @param currentRows rows of the current data
 * @param columns per-column results, in column order
 * @param dataset the dataset verdict
 */
record DriftReport(
    String reference,
    String current,
    boolean sketch,
    long referenceRows,
    long currentRows,
    List<Column> columns,
    DatasetDrift dataset) {

  DriftReport {
    columns = List.copyOf(columns);
  }

  /**
   * One column's result.
   *
   * @param name the column
   * @param type numerical or categorical
   * @param result the drift method's result (never an error result)
   * @param histogram reference and current counts for the HTML report, or null
   * @param referenceCount non-missing reference values
   * @param referenceMissing missing reference values
   * @param currentCount non-missing current values
   * @param currentMissing missing current values
   */
  record Column(
      String name,
      ColumnType type,
      DriftResult result,
      Histogram histogram,
      long referenceCount,
      long referenceMissing,
      long currentCount,
      long currentMissing) {}
}
