package io.driftwatch.cli.batch;

/**
 * Bad input data, located: the message reads {@code FILE:LINE:COLUMN: what is wrong}, where LINE is
 * 1-based and COLUMN is the 1-based field number in CSV and the 1-based character position in JSON
 * lines. An {@link IllegalArgumentException}, so the command line maps it to exit code 2.
 */
public final class InputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final long column;

  /** A located error; {@code detail} says what is wrong and, where useful, what was expected. */
  public InputException(String file, long line, long column, String detail) {
    super(file + ":" + line + ":" + column + ": " + detail);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  /** The file as named on the command line. */
  public String file() {
    return file;
  }

  /** The 1-based line. */
  public long line() {
    return line;
  }

  /** The 1-based field number (CSV) or character position (JSON lines). */
  public long column() {
    return column;
  }
}
