package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.ColumnTyper;
import java.util.Locale;

/**
 * Evidently's legacy column typing ({@link ColumnTyper}) computed in one streaming pass over a
 * reference column: booleans without missing cells are numerical; integers without missing cells
 * are categorical when they take at most {@value ColumnTyper#MAX_INTEGER_UNIQUE_AS_CATEGORICAL}
 * distinct values, numerical otherwise; other all-numeric columns are numerical; anything with text
 * is categorical. Unlike {@link ColumnTyper#infer}, the type is read from the reference alone, so
 * that a profile (which has no current data) and a file type a column the same way, and a bad cell
 * in the current data is an error rather than a silent change of type. Remembers where the first
 * text cell was, for messages.
 */
final class TypeTally {
  private static final int MAX_UNIQUE = ColumnTyper.MAX_INTEGER_UNIQUE_AS_CATEGORICAL;

  long present;
  long missing;
  long numbers;
  boolean allInt = true;
  boolean allNumber = true;
  boolean allBool = true;
  private final double[] distinct = new double[MAX_UNIQUE + 1];
  private int distinctCount;
  private int lastHit;
  private CellRef firstText;
  private CellRef firstMix;

  /** Counts one cell of the given {@link CellParser} kind. */
  void accept(int kind, CellParser cell, TableReader reader, int column) {
    if (kind == CellParser.MISSING) {
      missing++;
      return;
    }
    present++;
    boolean typed = allNumber || allBool;
    switch (kind) {
      case CellParser.INTEGER -> {
        numbers++;
        allBool = false;
        if (allInt && distinctCount <= MAX_UNIQUE) {
          track(cell.value);
        }
      }
      case CellParser.DECIMAL -> {
        numbers++;
        allBool = false;
        allInt = false;
      }
      case CellParser.BOOLEAN -> {
        allInt = false;
        allNumber = false;
      }
      default -> {
        allInt = false;
        allNumber = false;
        allBool = false;
        if (firstText == null) {
          firstText = CellRef.of(reader, column, cell);
        }
      }
    }
    if (typed && !allNumber && !allBool) {
      firstMix = CellRef.of(reader, column, cell);
    }
  }

  private void track(double v) {
    double key = v == 0.0 ? 0.0 : v;
    // columns with few values repeat them: try the last one seen first
    if (distinctCount > 0 && distinct[lastHit] == key) {
      return;
    }
    for (int i = 0; i < distinctCount; i++) {
      if (distinct[i] == key) {
        lastHit = i;
        return;
      }
    }
    if (distinctCount < distinct.length) {
      distinct[distinctCount] = key;
    }
    distinctCount++;
  }

  /** Whether the cells so far are neither all numbers nor all booleans (pandas' object dtype). */
  boolean isText() {
    return present > 0 && !allNumber && !allBool;
  }

  /**
   * The column's kind.
   *
   * @param forced a type the user asked for, or null for the legacy rule
   * @throws InputException when forced numerical but a cell is text
   */
  ColumnKind resolve(String name, ColumnType forced) {
    if (forced == ColumnType.NUMERICAL) {
      if (isText()) {
        throw firstMix.error(
            "not a number: " + firstMix.quoted() + " (column \"" + name + "\" is --numerical)");
      }
      return ColumnKind.NUMERICAL;
    }
    if (forced == ColumnType.CATEGORICAL) {
      return present > 0 && allNumber
          ? ColumnKind.NUMBER_CATEGORICAL
          : ColumnKind.LABEL_CATEGORICAL;
    }
    if (present == 0) {
      return ColumnKind.NUMERICAL;
    }
    if (allBool) {
      return missing > 0 ? ColumnKind.LABEL_CATEGORICAL : ColumnKind.NUMERICAL;
    }
    if (allInt) {
      if (missing > 0) {
        return ColumnKind.NUMERICAL;
      }
      return distinctCount <= MAX_UNIQUE ? ColumnKind.NUMBER_CATEGORICAL : ColumnKind.NUMERICAL;
    }
    return allNumber ? ColumnKind.NUMERICAL : ColumnKind.LABEL_CATEGORICAL;
  }

  /**
   * A warning when a column of numbers became categorical because of a few text cells (a typo such
   * as {@code 1.2.3} would otherwise silently turn it into thousands of categories); null when
   * there is nothing to say.
   */
  String warning(String name, ColumnKind kind) {
    if (kind != ColumnKind.LABEL_CATEGORICAL || firstText == null || numbers < 0.9 * present) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "%s warning: column \"%s\" is categorical because of text cells such as %s, though"
            + " %.1f%% of its values are numbers; pass --numerical %s to reject such cells",
        firstText.location(),
        name,
        firstText.quoted(),
        100.0 * numbers / present,
        name);
  }

  /**
   * The error for a column that must hold numbers but has text: located at the first cell that made
   * it text.
   */
  InputException notANumber(String why) {
    return firstMix.error("not a number: " + firstMix.quoted() + " (" + why + ")");
  }
}
