package io.driftwatch.cli.batch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A data file read record by record, in bounded memory: the CSV and JSON-lines readers behind one
 * seam. The cells of the current record are UTF-8 byte slices of a shared buffer, valid until the
 * next call to {@link #next()}. Structural problems (a ragged row, an unterminated quote, bad JSON)
 * throw an {@link InputException} naming the file, line and column.
 */
abstract class TableReader implements Closeable {
  /** A record may not be longer than this (guards against an unterminated quote eating a file). */
  static final int MAX_RECORD_BYTES = 64 << 20;

  static final int INITIAL_BUFFER = 1 << 20;

  final String file;

  TableReader(String file) {
    this.file = file;
  }

  /**
   * Opens {@code path}; a name ending in {@code .gz} is decompressed.
   *
   * @param selected the columns the caller will read, or null for all; JSON lines only: keys
   *     outside a non-null selection are skipped rather than rejected
   * @throws InputException when the file is empty or its header is malformed
   * @throws IllegalArgumentException when the file does not exist
   */
  static TableReader open(Path path, InputFormat format, Set<String> selected) throws IOException {
    InputStream in = openStream(path);
    try {
      return format == InputFormat.CSV
          ? new CsvReader(path.toString(), in)
          : new JsonLinesReader(path.toString(), in, selected);
    } catch (RuntimeException | IOException e) {
      in.close();
      throw e;
    }
  }

  static InputStream openStream(Path path) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(path + ": no such file");
    }
    if (path.getFileName().toString().endsWith(".gz")) {
      return new GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  /** The column names, in file order. */
  abstract List<String> columns();

  /** The index of a column, or -1. */
  final int indexOf(String column) {
    return columns().indexOf(column);
  }

  /**
   * Advances to the next record.
   *
   * @return false at the end of the file
   * @throws InputException for a malformed record, or a file without any data record
   */
  abstract boolean next() throws IOException;

  /** The line on which the current record starts (1-based). */
  abstract long line();

  /** The buffer holding the current record's cells. */
  abstract byte[] buffer();

  /** Start of a cell in {@link #buffer()}; -1 when the record has no value for the column. */
  abstract int start(int column);

  /** End (exclusive) of a cell in {@link #buffer()}. */
  abstract int end(int column);

  /** The COLUMN of a cell for error messages: field number (CSV) or character position (JSON). */
  abstract long position(int column);

  /** The COLUMN of a column in messages about the column as a whole (its header field). */
  abstract long headerPosition(int column);

  /** An error about a whole column, located at its header. */
  final InputException columnError(int column, String detail) {
    return new InputException(file, 1, headerPosition(column), detail);
  }

  /** Data records read so far. */
  abstract long records();

  /** An error at a cell of the current record. */
  final InputException error(int column, String detail) {
    return new InputException(file, line(), position(column), detail);
  }

  /** An error about the file as a whole, located at its first line. */
  final InputException fileError(String detail) {
    return new InputException(file, 1, 1, detail);
  }
}
