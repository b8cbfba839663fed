package io.driftwatch.cli.batch;

/**
 * Where a cell is (file, line, column as in {@link InputException}) and a short preview of its
 * text, kept to report a problem found only after the cell was read.
 */
record CellRef(String file, long line, long column, String text) {
  private static final int PREVIEW = 40;

  /** The current cell of {@code reader} with the trimmed text the parser last saw. */
  static CellRef of(TableReader reader, int column, CellParser cell) {
    String t = cell.text(reader.buffer());
    if (t.length() > PREVIEW) {
      t = t.substring(0, PREVIEW) + "...";
    }
    return new CellRef(reader.file, reader.line(), reader.position(column), t);
  }

  /** The cell's text, quoted for messages. */
  String quoted() {
    return "\"" + text + "\"";
  }

  /** An error located at this cell. */
  InputException error(String detail) {
    return new InputException(file, line, column, detail);
  }

  /** {@code FILE:LINE:COLUMN:} */
  String location() {
    return file + ":" + line + ":" + column + ":";
  }
}
