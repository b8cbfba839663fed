package io.driftwatch.cli.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON lines: one flat JSON object per line (blank lines skipped). The keys of the first object are
 * the columns; a later object may omit a key (a missing value) but may not add one, unless the
 * caller selected columns, in which case other keys are skipped. Values are numbers, strings,
 * booleans or null (missing); a cell is the value's text: a number's literal, a string's unescaped
 * content, {@code true}/{@code false}. Strings are typed like CSV cells, as pandas' {@code
 * read_json} converts numeric strings. Nested objects and arrays are rejected in selected columns.
 */
final class JsonLinesReader extends TableReader {
  private final InputStream in;
  private final Set<String> selected;
  private byte[] buf = new byte[INITIAL_BUFFER];
  private int pos;
  private int limit;
  private boolean eof;
  private long nextLine = 1;
  private long recordLine;
  private int lineStart;
  private long records;
  private boolean pendingFirst;
  private final List<String> columns = new ArrayList<>();
  private final List<byte[]> columnBytes = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private boolean[] wanted = new boolean[16];
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int[] positions = new int[16];
  private long[] seen = new long[16];
  private boolean discovering;

  JsonLinesReader(String file, InputStream in, Set<String> selected) throws IOException {
    super(file);
    this.in = in;
    this.selected = selected;
    fill();
    if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
      pos = 3;
    }
    discovering = true;
    if (!readRecord()) {
      throw new InputException(file, 1, 1, "empty file (expected: one JSON object per line)");
    }
    discovering = false;
    if (columns.isEmpty()) {
      throw new InputException(file, recordLine, 1, "the first object has no keys");
    }
    pendingFirst = true;
    records = 1;
  }

  @Override
  List<String> columns() {
    return Collections.unmodifiableList(columns);
  }

  @Override
  boolean next() throws IOException {
    if (pendingFirst) {
      pendingFirst = false;
      return true;
    }
    if (!readRecord()) {
      return false;
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
    return seen[column] == recordLine ? starts[column] : -1;
  }

  @Override
  int end(int column) {
    return ends[column];
  }

  @Override
  long position(int column) {
    return seen[column] == recordLine ? charColumn(positions[column]) : 1;
  }

  @Override
  long headerPosition(int column) {
    return 1;
  }

  @Override
  long records() {
    return records;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private boolean readRecord() throws IOException {
    while (true) {
      int nl = -1;
      int scanFrom = pos;
      while (true) {
        for (int i = scanFrom; i < limit; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        if (nl >= 0 || eof) {
          break;
        }
        scanFrom = limit - pos;
        fill();
      }
      if (nl < 0 && pos >= limit) {
        return false;
      }
      int end = nl >= 0 ? nl : limit;
      int next = nl >= 0 ? nl + 1 : limit;
      if (end > pos && buf[end - 1] == '\r') {
        end--;
      }
      recordLine = nextLine;
      nextLine++;
      lineStart = pos;
      int s = skipWs(pos, end);
      if (s == end) {
        pos = next;
        continue;
      }
      parseObject(s, end);
      pos = next;
      return true;
    }
  }

  private void parseObject(int i, int end) {
    byte[] b = buf;
    if (b[i] != '{') {
      throw at(i, "expected a JSON object starting with {");
    }
    i = skipWs(i + 1, end);
    if (i < end && b[i] == '}') {
      finishObject(i + 1, end);
      return;
    }
    int ordinal = 0;
    while (true) {
      if (i >= end || b[i] != '"') {
        throw at(i, "expected a key in double quotes");
      }
      int keyPos = i;
      int ke = string(i, end);
      int ks = i + 1;
      int kEnd = stringEnd;
      i = skipWs(ke, end);
      if (i >= end || b[i] != ':') {
        throw at(i, "expected : after a key");
      }
      i = skipWs(i + 1, end);
      int col = column(ks, kEnd, ordinal++, keyPos);
      if (col >= 0 && seen[col] == recordLine) {
        throw at(keyPos, "duplicate key \"" + columns.get(col) + "\"");
      }
      if (col < 0 || !wanted[col]) {
        i = skipValue(i, end);
        if (col >= 0) {
          seen[col] = recordLine;
          starts[col] = i;
          ends[col] = i;
          positions[col] = i;
        }
      } else {
        positions[col] = i;
        seen[col] = recordLine;
        i = value(col, i, end);
      }
      i = skipWs(i, end);
      if (i < end && b[i] == ',') {
        i = skipWs(i + 1, end);
        continue;
      }
      if (i < end && b[i] == '}') {
        finishObject(i + 1, end);
        return;
      }
      throw at(i, "expected , or } after a value");
    }
  }

  private void finishObject(int i, int end) {
    if (skipWs(i, end) != end) {
      throw at(i, "unexpected text after the object (expected: one object per line)");
    }
  }

  /** The column of a key: the expected one when keys come in file order, else by lookup. */
  private int column(int ks, int ke, int ordinal, int keyPos) {
    if (!discovering && ordinal < columnBytes.size()) {
      byte[] expect = columnBytes.get(ordinal);
      if (Arrays.equals(expect, 0, expect.length, buf, ks, ke)) {
        return ordinal;
      }
    }
    String key = new String(buf, ks, ke - ks, StandardCharsets.UTF_8);
    Integer col = index.get(key);
    if (col != null) {
      return col;
    }
    if (discovering) {
      int c = columns.size();
      columns.add(key);
      columnBytes.add(Arrays.copyOfRange(buf, ks, ke));
      index.put(key, c);
      if (c == starts.length) {
        starts = Arrays.copyOf(starts, c * 2);
        ends = Arrays.copyOf(ends, c * 2);
        positions = Arrays.copyOf(positions, c * 2);
        seen = Arrays.copyOf(seen, c * 2);
        wanted = Arrays.copyOf(wanted, c * 2);
      }
      wanted[c] = selected == null || selected.contains(key);
      return c;
    }
    if (selected != null) {
      return -1;
    }
    throw at(
        keyPos,
        "key \""
            + key
            + "\" is not in the first object (expected one of: "
            + String.join(", ", columns)
            + "; the first line defines the columns, or pass --columns)");
  }

  /** Reads a scalar value into the column's cell; returns the index after it. */
  private int value(int col, int i, int end) {
    byte[] b = buf;
    if (i >= end) {
      throw at(i, "expected a value");
    }
    byte c = b[i];
    if (c == '"') {
      int after = string(i, end);
      starts[col] = i + 1;
      ends[col] = stringEnd;
      return after;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int e = numberEnd(i, end);
      starts[col] = i;
      ends[col] = e;
      return e;
    }
    if (literal("true", i, end) || literal("false", i, end)) {
      int e = i + (c == 't' ? 4 : 5);
      starts[col] = i;
      ends[col] = e;
      return e;
    }
    if (literal("null", i, end)) {
      seen[col] = 0;
      return i + 4;
    }
    if (c == '{' || c == '[') {
      throw at(
          i,
          "nested value in column \""
              + columns.get(col)
              + "\" (expected: a number, string, boolean or null)");
    }
    throw at(i, "expected a JSON value");
  }

  private int skipValue(int i, int end) {
    byte[] b = buf;
    if (i >= end) {
      throw at(i, "expected a value");
    }
    byte c = b[i];
    if (c == '"') {
      return string(i, end);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return numberEnd(i, end);
    }
    if (literal("true", i, end)) {
      return i + 4;
    }
    if (literal("false", i, end)) {
      return i + 5;
    }
    if (literal("null", i, end)) {
      return i + 4;
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      int start = i;
      while (i < end) {
        c = b[i];
        if (c == '"') {
          i = string(i, end);
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      throw at(start, "unterminated nested value");
    }
    throw at(i, "expected a JSON value");
  }

  private boolean literal(String word, int i, int end) {
    if (end - i < word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (buf[i + k] != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** End of a JSON number starting at i (grammar checked). */
  private int numberEnd(int i, int end) {
    byte[] b = buf;
    int start = i;
    if (b[i] == '-') {
      i++;
    }
    if (i < end && b[i] == '0') {
      i++;
    } else if (i < end && b[i] >= '1' && b[i] <= '9') {
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
    } else {
      throw at(start, "malformed number");
    }
    if (i < end && b[i] == '.') {
      i++;
      int d = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == d) {
        throw at(start, "malformed number");
      }
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int d = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == d) {
        throw at(start, "malformed number");
      }
    }
    return i;
  }

  /** Where the content of the last string ends after unescaping (exclusive). */
  private int stringEnd;

  /**
   * Unescapes the string starting at the quote at i, in place (the result is never longer); sets
   * {@link #stringEnd} and returns the index after the closing quote.
   */
  private int string(int i, int end) {
    byte[] b = buf;
    int start = i;
    int r = i + 1;
    int w = r;
    while (true) {
      if (r >= end) {
        throw at(start, "unterminated string");
      }
      byte c = b[r];
      if (c == '"') {
        stringEnd = w;
        return r + 1;
      }
      if (c == '\\') {
        if (r + 1 >= end) {
          throw at(r, "unterminated escape");
        }
        byte e = b[r + 1];
        r += 2;
        switch (e) {
          case '"', '\\', '/' -> b[w++] = e;
          case 'b' -> b[w++] = '\b';
          case 'f' -> b[w++] = '\f';
          case 'n' -> b[w++] = '\n';
          case 'r' -> b[w++] = '\r';
          case 't' -> b[w++] = '\t';
          case 'u' -> {
            int cp = hex4(r, end);
            r += 4;
            if (Character.isHighSurrogate((char) cp)
                && r + 6 <= end
                && b[r] == '\\'
                && b[r + 1] == 'u') {
              int lo = hex4(r + 2, end);
              if (Character.isLowSurrogate((char) lo)) {
                cp = Character.toCodePoint((char) cp, (char) lo);
                r += 6;
              }
            }
            w = utf8(cp, w);
          }
          default -> throw at(r - 2, "invalid escape \\" + (char) e);
        }
        continue;
      }
      if ((c & 0xFF) < 0x20) {
        throw at(r, "control character in a string (expected: escaped)");
      }
      b[w++] = c;
      r++;
    }
  }

  private int hex4(int i, int end) {
    if (i + 4 > end) {
      throw at(i, "malformed \\u escape");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(buf[i + k], 16);
      if (d < 0) {
        throw at(i, "malformed \\u escape");
      }
      v = v * 16 + d;
    }
    return v;
  }

  private int utf8(int cp, int w) {
    byte[] b = buf;
    if (cp < 0x80) {
      b[w++] = (byte) cp;
    } else if (cp < 0x800) {
      b[w++] = (byte) (0xC0 | (cp >> 6));
      b[w++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      b[w++] = (byte) (0xE0 | (cp >> 12));
      b[w++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      b[w++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      b[w++] = (byte) (0xF0 | (cp >> 18));
      b[w++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      b[w++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      b[w++] = (byte) (0x80 | (cp & 0x3F));
    }
    return w;
  }

  private int skipWs(int i, int end) {
    while (i < end) {
      byte c = buf[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        break;
      }
      i++;
    }
    return i;
  }

  private InputException at(int i, String detail) {
    return new InputException(file, recordLine, charColumn(i), detail);
  }

  /**
   * 1-based character position of byte i on the current line (UTF-8 continuation bytes skipped).
   */
  private long charColumn(int i) {
    long col = 1;
    for (int k = lineStart; k < i && k < buf.length; k++) {
      if ((buf[k] & 0xC0) != 0x80) {
        col++;
      }
    }
    return col;
  }

  private void fill() throws IOException {
    if (eof) {
      return;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (limit == buf.length) {
      if (buf.length >= MAX_RECORD_BYTES) {
        throw new InputException(
            file, nextLine, 1, "line longer than " + (MAX_RECORD_BYTES >> 20) + " MiB");
      }
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
    }
  }
}
