package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one drift run compares and how.
 *
 * @param reference reference data file or profile
 * @param current current data file
 * @param inputFormat the data files' format, or null to detect it per file
 * @param columns the columns to compare in this order, or null for every column of the reference
 * @param forcedTypes types the user fixed for some columns (raw references only)
 * @param method the method for every column, or null for Evidently's default per column
 * @param options thresholds and gates
 * @param driftShare share of drifted columns from which the dataset drifts
 * @param histograms whether to collect histograms (the HTML report needs them)
 * @param warnings where non-fatal notes about the input go
 */
record DriftSettings(
    Path reference,
    Path current,
    InputFormat inputFormat,
    List<String> columns,
    Map<String, ColumnType> forcedTypes,
    DriftMethod method,
    DriftOptions options,
    double driftShare,
    boolean histograms,
    Consumer<String> warnings) {

  DriftSettings {
    columns = columns == null ? null : List.copyOf(columns);
    forcedTypes = Map.copyOf(forcedTypes);
  }
}
