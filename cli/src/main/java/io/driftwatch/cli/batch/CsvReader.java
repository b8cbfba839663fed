package io.driftwatch.cli.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CSV with a header line (RFC 4180): comma-separated, fields optionally in double quotes with
 * {@code ""} for a quote, quoted fields may span lines; CRLF or LF line ends; a UTF-8 BOM is
 * skipped; blank lines are skipped (like pandas). An empty header name becomes {@code Unnamed: i}
 * (pandas' name for the index column {@code to_csv} writes). Every record must have as many fields
 * as the header.
 */
final class CsvReader extends TableReader {
  private static final int MORE = -1;

  private final InputStream in;
  private byte[] buf = new byte[INITIAL_BUFFER];
  private int pos;
  private int limit;
  private boolean eof;
  private long nextLine = 1;
  private long recordLine;
  private long records;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private boolean[] escaped = new boolean[16];
  private int fields;
  private final List<String> columns;

  CsvReader(String file, InputStream in) throws IOException {
    super(file);
    this.in = in;
    fill();
    if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
      pos = 3;
    }
    if (!readRecord()) {
      throw new InputException(file, 1, 1, "empty file (expected: a header line)");
    }
    List<String> names = new ArrayList<>(fields);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < fields; i++) {
      String name = new String(buf, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
      if (name.isEmpty()) {
        name = "Unnamed: " + i;
      }
      if (!seen.add(name)) {
        throw new InputException(
            file, recordLine, i + 1, "duplicate column name \"" + name + "\" in the header");
      }
      names.add(name);
    }
    columns = Collections.unmodifiableList(names);
  }

  @Override
  List<String> columns() {
    return columns;
  }

  @Override
  boolean next() throws IOException {
    if (!readRecord()) {
      if (records == 0) {
        throw new InputException(
            file, nextLine, 1, "no data rows (expected: at least one row after the header)");
      }
      return false;
    }
    if (fields != columns.size()) {
      int col = Math.min(fields, columns.size()) + 1;
      throw new InputException(
          file,
          recordLine,
          col,
          "row has "
              + fields
              + (fields == 1 ? " field" : " fields")
              + " (expected: "
              + columns.size()
              + ", as in the header)");
    }
    records++;
    return true;
  }

  @Override
  long line() {
    return recordLine;
  }

  @Override
  byte[] buffer() {
    return buf;
  }

  @Override
  int start(int column) {
    return starts[column];
  }

  @Override
  int end(int column) {
    return ends[column];
  }

  @Override
  long position(int column) {
    return column + 1L;
  }

  @Override
  long headerPosition(int column) {
    return column + 1L;
  }

  @Override
  long records() {
    return records;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads the next non-blank record into starts/ends; false at the end of the input. */
  private boolean readRecord() throws IOException {
    while (true) {
      if (pos >= limit && !fill()) {
        return false;
      }
      byte c = buf[pos];
      if (c == '\n') {
        pos++;
        nextLine++;
        continue;
      }
      if (c == '\r') {
        if (pos + 1 >= limit && !eof && !fill()) {
          return false;
        }
        pos++;
        if (pos < limit && buf[pos] == '\n') {
          pos++;
        }
        nextLine++;
        continue;
      }
      break;
    }
    recordLine = nextLine;
    int r;
    while ((r = scan()) == MORE) {
      if (!fill()) {
        // end of input reached inside the record: scan again with eof set
        continue;
      }
    }
    return true;
  }

  /**
   * Parses one record from pos. Returns MORE when the buffer ends before the record does and more
   * input may follow; otherwise consumes it and returns 0.
   */
  private int scan() {
    byte[] b = buf;
    int lim = limit;
    int i = pos;
    int f = 0;
    int lines = 0;
    while (true) {
      if (f == starts.length) {
        starts = Arrays.copyOf(starts, f * 2);
        ends = Arrays.copyOf(ends, f * 2);
        escaped = Arrays.copyOf(escaped, f * 2);
      }
      if (i >= lim) {
        if (!eof) {
          return MORE;
        }
        starts[f] = i;
        ends[f] = i;
        escaped[f] = false;
        return finish(i, f + 1, lines);
      }
      if (b[i] == '"') {
        int quoteLine = lines;
        int s = ++i;
        boolean esc = false;
        while (true) {
          if (i >= lim) {
            if (!eof) {
              return MORE;
            }
            throw new InputException(
                file,
                recordLine + quoteLine,
                f + 1,
                "unterminated quoted field (expected: a closing \")");
          }
          byte c = b[i];
          if (c == '"') {
            if (i + 1 >= lim && !eof) {
              return MORE;
            }
            if (i + 1 < lim && b[i + 1] == '"') {
              esc = true;
              i += 2;
              continue;
            }
            break;
          }
          if (c == '\n') {
            lines++;
          }
          i++;
        }
        starts[f] = s;
        ends[f] = i;
        escaped[f] = esc;
        i++;
        if (i >= lim) {
          if (!eof) {
            return MORE;
          }
          return finish(i, f + 1, lines);
        }
        byte c = b[i];
        if (c == ',') {
          f++;
          i++;
          continue;
        }
        if (c == '\n' || c == '\r') {
          return endOfLine(i, f + 1, lines);
        }
        throw new InputException(
            file,
            recordLine + lines,
            f + 1,
            "unexpected character after a closing quote (expected: a comma or the end of the"
                + " line; write \"\" for a quote inside a quoted field)");
      }
      int s = i;
      while (i < lim) {
        byte c = b[i];
        if (c == ',' || c == '\n' || c == '\r') {
          break;
        }
        i++;
      }
      if (i >= lim && !eof) {
        return MORE;
      }
      starts[f] = s;
      ends[f] = i;
      escaped[f] = false;
      if (i >= lim) {
        return finish(i, f + 1, lines);
      }
      if (b[i] == ',') {
        f++;
        i++;
        continue;
      }
      return endOfLine(i, f + 1, lines);
    }
  }

  private int endOfLine(int i, int nfields, int lines) {
    if (buf[i] == '\r') {
      if (i + 1 >= limit && !eof) {
        return MORE;
      }
      i++;
      if (i < limit && buf[i] == '\n') {
        i++;
      }
    } else {
      i++;
    }
    return finish(i, nfields, lines + 1);
  }

  private int finish(int i, int nfields, int lines) {
    if (i - pos > MAX_RECORD_BYTES) {
      throw new InputException(
          file, recordLine, 1, "record longer than " + (MAX_RECORD_BYTES >> 20) + " MiB");
    }
    fields = nfields;
    for (int f = 0; f < nfields; f++) {
      if (escaped[f]) {
        unescape(f);
      }
    }
    pos = i;
    nextLine += lines;
    return 0;
  }

  /** Turns every {@code ""} of a quoted field into {@code "}, in place. */
  private void unescape(int f) {
    int w = starts[f];
    for (int r = starts[f]; r < ends[f]; r++) {
      buf[w++] = buf[r];
      if (buf[r] == '"') {
        r++;
      }
    }
    ends[f] = w;
  }

  /** Keeps the bytes from pos, reads more; false when nothing more could be read. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (limit == buf.length) {
      if (buf.length >= MAX_RECORD_BYTES) {
        throw new InputException(
            file,
            nextLine,
            1,
            "record longer than " + (MAX_RECORD_BYTES >> 20) + " MiB (an unterminated quote?)");
      }
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
      return false;
    }
    limit += n;
    return true;
  }
}
