package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.ColumnTyper;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads one cell (a UTF-8 byte slice) the way {@code pandas.read_csv} defaults and Evidently's
 * legacy column typing see it, without allocating: surrounding whitespace is ignored; pandas' NA
 * tokens ({@code "", NA, NaN, null, None, n/a, ...}) are missing; {@code [+-]?digits} is an
 * integer; decimals with optional exponent and {@code inf}/{@code infinity} (any case, signed) are
 * numbers; {@code True/TRUE/true/False/FALSE/false} are booleans; anything else is text. Agrees
 * with {@link io.driftwatch.stats.drift.ColumnTyper} token by token.
 *
 * <p>Numbers are parsed to the correctly rounded double: a fast exact path for up to 15 significant
 * digits and decimal exponents within ±22, {@link Double#parseDouble} otherwise. Not thread-safe;
 * the fields describe the last parsed cell.
 */
final class CellParser {
  static final int MISSING = 0;
  static final int INTEGER = 1;
  static final int DECIMAL = 2;
  static final int BOOLEAN = 3;
  static final int TEXT = 4;

  private static final byte[][] NA_TOKENS = ascii(ColumnTyper.MISSING_TOKENS);
  private static final byte[][] TRUE_TOKENS = ascii(ColumnTyper.TRUE_TOKENS);
  private static final byte[][] FALSE_TOKENS = ascii(ColumnTyper.FALSE_TOKENS);
  private static final double[] POW10 = new double[23];

  /** First bytes an NA, boolean or infinity token can start with. */
  private static final boolean[] TOKEN_START = new boolean[256];

  private static final long MAX_EXACT = 1L << 53;

  static {
    for (char c : "#-+1<NnTtFfIi".toCharArray()) {
      TOKEN_START[c] = true;
    }
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /** The value of the last INTEGER, DECIMAL (±∞ included) or BOOLEAN (1/0) cell. */
  double value;

  /** The trimmed slice of the last cell: [from, to). */
  int from;

  int to;

  /** Classifies {@code b[s, e)} and parses its value; returns the kind. */
  int parse(byte[] b, int s, int e) {
    while (s < e && (b[s] & 0xFF) <= ' ') {
      s++;
    }
    while (e > s && (b[e - 1] & 0xFF) <= ' ') {
      e--;
    }
    from = s;
    to = e;
    if (s == e) {
      return MISSING;
    }
    byte c = b[s];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      int kind = number(b, s, e);
      if (kind >= 0) {
        return kind;
      }
    }
    int len = e - s;
    if (len <= 9 && TOKEN_START[c & 0xFF]) {
      if ((len == 4 || len == 5) && (c == 'T' || c == 't' || c == 'F' || c == 'f')) {
        if (matchesAny(TRUE_TOKENS, b, s, len)) {
          value = 1.0;
          return BOOLEAN;
        }
        if (matchesAny(FALSE_TOKENS, b, s, len)) {
          value = 0.0;
          return BOOLEAN;
        }
      }
      if (matchesAny(NA_TOKENS, b, s, len)) {
        return MISSING;
      }
      int i = s;
      boolean negative = false;
      if (b[i] == '+' || b[i] == '-') {
        negative = b[i] == '-';
        i++;
      }
      if (equalsIgnoreCase("inf", b, i, e) || equalsIgnoreCase("infinity", b, i, e)) {
        value = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        return DECIMAL;
      }
    }
    return TEXT;
  }

  /** The trimmed text of the last cell. */
  String text(byte[] b) {
    return new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  /**
   * The category label of the last cell in a column of labels, the same in every mode and file:
   * booleans as {@code True}/{@code False}, numbers as {@link CategoryCounts#numberKey} (so 1 and
   * 1.0 are one category), other text trimmed; null when missing.
   */
  static String label(int kind, double value, String text) {
    return switch (kind) {
      case MISSING -> null;
      case BOOLEAN -> value != 0 ? "True" : "False";
      case INTEGER, DECIMAL -> CategoryCounts.numberKey(value);
      default -> text;
    };
  }

  /** Parses a number matching {@code [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?}; -1 if it does not. */
  private int number(byte[] b, int s, int e) {
    int i = s;
    byte first = b[i];
    boolean negative = first == '-';
    if (negative || first == '+') {
      i++;
    }
    long mantissa = 0;
    int intStart = i;
    while (i < e) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      mantissa = mantissa * 10 + d;
      i++;
    }
    int intDigits = i - intStart;
    int fracDigits = 0;
    boolean dot = i < e && b[i] == '.';
    if (dot) {
      i++;
      int fracStart = i;
      while (i < e) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        mantissa = mantissa * 10 + d;
        i++;
      }
      fracDigits = i - fracStart;
    }
    if (intDigits + fracDigits == 0) {
      return -1;
    }
    int exponent = -fracDigits;
    boolean hasExponent = i < e && (b[i] == 'e' || b[i] == 'E');
    if (hasExponent) {
      i++;
      boolean negExp = false;
      if (i < e && (b[i] == '+' || b[i] == '-')) {
        negExp = b[i] == '-';
        i++;
      }
      int expStart = i;
      int exp = 0;
      while (i < e) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        if (exp < 100_000) {
          exp = exp * 10 + d;
        }
        i++;
      }
      if (i == expStart) {
        return -1;
      }
      exponent += negExp ? -exp : exp;
    }
    if (i != e) {
      return -1;
    }
    // up to 18 digits the mantissa is exact in a long; Clinger's fast path is then exact too
    if (intDigits + fracDigits <= 18
        && mantissa <= MAX_EXACT
        && exponent >= -22
        && exponent <= 22) {
      double v = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
      value = negative ? -v : v;
    } else {
      value = Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
    }
    return dot || hasExponent ? DECIMAL : INTEGER;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean matchesAny(byte[][] tokens, byte[] b, int s, int len) {
    for (byte[] t : tokens) {
      if (t.length == len && regionEquals(t, b, s)) {
        return true;
      }
    }
    return false;
  }

  private static boolean regionEquals(byte[] t, byte[] b, int s) {
    for (int k = 0; k < t.length; k++) {
      if (t[k] != b[s + k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean equalsIgnoreCase(String lower, byte[] b, int s, int e) {
    if (e - s != lower.length()) {
      return false;
    }
    for (int k = 0; k < lower.length(); k++) {
      int c = b[s + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static byte[][] ascii(List<String> tokens) {
    byte[][] out = new byte[tokens.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokens.get(i).getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }
}
