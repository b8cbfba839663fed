package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** The column options shared by {@code profile} and {@code drift}: which columns, which types. */
final class ColumnOptions {
  @Option(
      names = "--columns",
      split = ",",
      paramLabel = "NAME",
      description = "Only these columns, in this order (comma-separated). Default: every column.")
  List<String> columns;

  @Option(
      names = "--numerical",
      split = ",",
      paramLabel = "NAME",
      description =
          "Treat these columns as numerical: a cell that is not a number is then an error."
              + " Default: Evidently's legacy typing.")
  List<String> numerical;

  @Option(
      names = "--categorical",
      split = ",",
      paramLabel = "NAME",
      description = "Treat these columns as categorical. Default: Evidently's legacy typing.")
  List<String> categorical;

  /** The selected columns, or null for all; validated. */
  List<String> columns() {
    if (columns == null) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (c.isBlank()) {
        throw new IllegalArgumentException("--columns: empty name (expected: a,b,c)");
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException("--columns: \"" + c + "\" given twice");
      }
    }
    return List.copyOf(columns);
  }

  /** The forced types; validated. */
  Map<String, ColumnType> forcedTypes() {
    Map<String, ColumnType> m = new LinkedHashMap<>();
    if (numerical != null) {
      numerical.forEach(c -> m.put(c, ColumnType.NUMERICAL));
    }
    if (categorical != null) {
      for (String c : categorical) {
        if (m.put(c, ColumnType.CATEGORICAL) != null) {
          throw new IllegalArgumentException(
              "column \"" + c + "\": both --numerical and --categorical (expected: one)");
        }
      }
    }
    return m;
  }
}
