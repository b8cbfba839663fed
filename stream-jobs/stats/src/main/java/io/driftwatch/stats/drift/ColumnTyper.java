package io.driftwatch.stats.drift;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Types text columns (CSV cells) the way Evidently's legacy Report types a pandas column read with
 * {@code pd.read_csv} defaults ({@code _get_column_type}): a column whose cells are all integers
 * (and none missing, else pandas reads it as float) is categorical when it has at most {@value
 * #MAX_INTEGER_UNIQUE_AS_CATEGORICAL} distinct reference values and numerical otherwise; any other
 * numeric or boolean column is numerical; everything else is categorical. The newer Evidently API
 * uses 10 distinct values instead of 5; this follows the legacy Report rule. The dtype is read from
 * the current column (the reference when current is absent), like Evidently.
 *
 * <p>Missing cells are pandas' default NA tokens ({@code "", "NA", "NaN", "null", "None", "n/a",
 * ...}); ±inf parse as numbers and are then dropped as missing by {@link ColumnSample}.
 */
public final class ColumnTyper {

  /** The legacy Report rule: integer columns with at most this many distinct values. */
  public static final int MAX_INTEGER_UNIQUE_AS_CATEGORICAL = 5;

  /**
   * The cells pandas' {@code read_csv} reads as missing by default (its {@code na_values}); the
   * batch CLI's byte-level parser uses the same list.
   */
  public static final List<String> MISSING_TOKENS =
      List.of(
          "",
          "#N/A",
          "#N/A N/A",
          "#NA",
          "-1.#IND",
          "-1.#QNAN",
          "-NaN",
          "-nan",
          "1.#IND",
          "1.#QNAN",
          "<NA>",
          "N/A",
          "NA",
          "NULL",
          "NaN",
          "None",
          "n/a",
          "nan",
          "null");

  /** The cells pandas reads as true. */
  public static final List<String> TRUE_TOKENS = List.of("True", "TRUE", "true");

  /** The cells pandas reads as false. */
  public static final List<String> FALSE_TOKENS = List.of("False", "FALSE", "false");

  private static final Set<String> NA_TOKENS = Set.copyOf(MISSING_TOKENS);
  private static final Set<String> BOOL_TOKENS =
      Set.copyOf(
          java.util.stream.Stream.concat(TRUE_TOKENS.stream(), FALSE_TOKENS.stream()).toList());
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Set<String> INF_TOKENS =
      Set.of("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");

  private enum Dtype {
    INTEGER,
    FLOAT,
    BOOL,
    OBJECT
  }

  private ColumnTyper() {}

  /** Whether a cell is missing under pandas' default NA tokens (null counts as missing). */
  public static boolean isMissing(String cell) {
    return cell == null || NA_TOKENS.contains(cell.trim());
  }

  /**
   * The column type of a column given its reference and current cells.
   *
   * @param reference reference cells (may be null when there is no reference)
   * @param current current cells (may be null when there is no current)
   */
  public static ColumnType infer(String[] reference, String[] current) {
    String[] typed = current != null ? current : reference;
    if (typed == null) {
      throw new IllegalArgumentException("columns: none (expected: reference or current cells)");
    }
    Dtype dtype = dtype(typed);
    if (dtype == Dtype.INTEGER) {
      long unique = reference != null ? distinct(reference) : 0;
      if (unique == 0 && current != null) {
        unique = distinct(current);
      }
      return unique <= MAX_INTEGER_UNIQUE_AS_CATEGORICAL
          ? ColumnType.CATEGORICAL
          : ColumnType.NUMERICAL;
    }
    return dtype == Dtype.OBJECT ? ColumnType.CATEGORICAL : ColumnType.NUMERICAL;
  }

  /**
   * A typed column: its type and both samples, missing cells dropped.
   *
   * @param type the inferred column type
   * @param reference the reference sample
   * @param current the current sample
   */
  public record Typed(ColumnType type, ColumnSample reference, ColumnSample current) {}

  /**
   * Types a column and builds both samples consistently: numbers for numerical columns (booleans as
   * 1/0); for categorical columns numbers as category keys when every cell on both sides is numeric
   * (an integer column), trimmed cell text otherwise.
   */
  public static Typed typed(String[] reference, String[] current) {
    if (reference == null || current == null) {
      throw new IllegalArgumentException(
          "cells: reference "
              + (reference == null ? "null" : "present")
              + ", current "
              + (current == null ? "null" : "present")
              + " (expected: both present)");
    }
    ColumnType type = infer(reference, current);
    if (type == ColumnType.NUMERICAL) {
      return new Typed(
          type,
          ColumnSample.numerical(numbers(reference)),
          ColumnSample.numerical(numbers(current)));
    }
    if (dtype(reference) != Dtype.OBJECT && dtype(current) != Dtype.OBJECT) {
      return new Typed(
          type,
          ColumnSample.categorical(numbers(reference)),
          ColumnSample.categorical(numbers(current)));
    }
    return new Typed(
        type,
        ColumnSample.categorical(labels(reference)),
        ColumnSample.categorical(labels(current)));
  }

  private static double[] numbers(String[] cells) {
    double[] v = new double[cells.length];
    for (int i = 0; i < cells.length; i++) {
      v[i] = number(cells[i]);
    }
    return v;
  }

  private static String[] labels(String[] cells) {
    String[] labels = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      labels[i] = isMissing(cells[i]) ? null : cells[i].trim();
    }
    return labels;
  }

  /** A cell as a number: NaN when missing or not numeric, 1/0 for booleans. */
  static double number(String cell) {
    if (isMissing(cell)) {
      return Double.NaN;
    }
    String c = cell.trim();
    if (BOOL_TOKENS.contains(c)) {
      return c.toLowerCase(Locale.ROOT).equals("true") ? 1.0 : 0.0;
    }
    String lower = c.toLowerCase(Locale.ROOT);
    if (INF_TOKENS.contains(lower)) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (DECIMAL.matcher(c).matches()) {
      return Double.parseDouble(c);
    }
    return Double.NaN;
  }

  private static Dtype dtype(String[] cells) {
    boolean anyMissing = false;
    boolean allInt = true;
    boolean allNumber = true;
    boolean allBool = true;
    int present = 0;
    for (String cell : cells) {
      if (isMissing(cell)) {
        anyMissing = true;
        continue;
      }
      present++;
      String c = cell.trim();
      boolean isBool = BOOL_TOKENS.contains(c);
      boolean isInt = INTEGER.matcher(c).matches();
      boolean isNumber =
          isInt || DECIMAL.matcher(c).matches() || INF_TOKENS.contains(c.toLowerCase(Locale.ROOT));
      allBool &= isBool;
      allInt &= isInt;
      allNumber &= isNumber;
    }
    if (present == 0) {
      return Dtype.FLOAT;
    }
    if (allBool) {
      return anyMissing ? Dtype.OBJECT : Dtype.BOOL;
    }
    if (allInt) {
      return anyMissing ? Dtype.FLOAT : Dtype.INTEGER;
    }
    return allNumber ? Dtype.FLOAT : Dtype.OBJECT;
  }

  private static long distinct(String[] cells) {
    Set<Double> values = new HashSet<>();
    for (String cell : cells) {
      double v = number(cell);
      if (!Double.isNaN(v)) {
        values.add(v == 0.0 ? 0.0 : v);
      }
    }
    return values.size();
  }
}
