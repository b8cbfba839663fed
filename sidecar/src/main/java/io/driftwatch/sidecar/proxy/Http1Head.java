package io.driftwatch.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP/1.x request or response head as it arrived: its bytes, start line through the blank line,
 * and where each header line lies in them. The proxy forwards a head by copying the lines it keeps,
 * so headers it does not look at are never turned into objects, and every byte of one it keeps
 * (obs-text, odd case, spacing) goes on unchanged.
 *
 * <p>{@link #parse} accepts what RFC 9112 allows and refuses what a request smuggler would send:
 * lines end in CRLF; a field name is a token followed at once by the colon; a value has no control
 * characters but HTAB; no line folding; one Content-Length of digits; Transfer-Encoding, in a
 * request, only in HTTP/1.1, never with Content-Length, and with chunked last and once.
 */
final class Http1Head {
  /** Header flags: hop-by-hop (RFC 9110 §7.6.1), or named by a Connection header. */
  private static final int HOP = 1;

  private static final String[] HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection"
  };

  /** Why a head was refused. */
  enum Fault {
    /** Not a well-formed head. */
    BAD,
    /** A start line longer than {@link Http1Decoder#MAX_LINE}. */
    LINE_TOO_LONG,
    /** A head larger than the limit. */
    HEADERS_TOO_LARGE
  }

  /** A head {@link #parse} refused. */
  static final class Malformed extends Exception {
    final Fault fault;

    Malformed(Fault fault, String message) {
      super(message, null, false, false);
      this.fault = fault;
    }
  }

  private final byte[] bytes;
  private final int startLineEnd;

  /** Per header: line start, name end, value start, value end (trimmed), line end, flags. */
  private final int[] fields;

  private final int count;

  /** Request: method and target; null for a response. */
  final String method;

  final String target;

  /** Response: the status code; 0 for a request. */
  final int status;

  /** HTTP/1.0 (else HTTP/1.1). */
  final boolean http10;

  /** The declared Content-Length, or -1. */
  final long contentLength;

  /** Transfer-Encoding is present and its final coding is chunked. */
  final boolean chunked;

  /** Whether the sender keeps the connection open after this message (version and Connection). */
  final boolean keepAlive;

  /** Whether any header is hop-by-hop, i.e. forwarding must leave some out. */
  final boolean hasHopByHop;

  /** How a message's body is delimited (RFC 9112 §6.3). */
  enum Framing {
    /** No body: a request without length, a response to HEAD, a 1xx, 204 or 304. */
    NONE,
    /** Content-Length bytes. */
    LENGTH,
    /** Chunked coding. */
    CHUNKED,
    /** A response with neither: its body ends when the connection closes. */
    UNTIL_CLOSE
  }

  /**
   * This message's framing, as the {@link Http1Decoder} that read it decided (a response's depends
   * on the request it answers); set before the head is passed on.
   */
  Framing framing;

  private Http1Head(
      byte[] bytes,
      int startLineEnd,
      int[] fields,
      int count,
      String method,
      String target,
      int status,
      boolean http10,
      long contentLength,
      boolean chunked,
      boolean keepAlive,
      boolean hasHopByHop) {
    this.bytes = bytes;
    this.startLineEnd = startLineEnd;
    this.fields = fields;
    this.count = count;
    this.method = method;
    this.target = target;
    this.status = status;
    this.http10 = http10;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.keepAlive = keepAlive;
    this.hasHopByHop = hasHopByHop;
  }

  /** The number of header lines. */
  int size() {
    return count;
  }

  /** The value of the first header named {@code name} (any case), trimmed; null when absent. */
  String get(String name) {
    for (int i = 0; i < count; i++) {
      if (nameIs(i, name)) {
        return value(i);
      }
    }
    return null;
  }

  /** Whether a header named {@code name} (any case) is present. */
  boolean contains(String name) {
    for (int i = 0; i < count; i++) {
      if (nameIs(i, name)) {
        return true;
      }
    }
    return false;
  }

  /** The name of header {@code i} as sent. */
  String name(int i) {
    int at = i * 6;
    return new String(bytes, fields[at], fields[at + 1] - fields[at], StandardCharsets.ISO_8859_1);
  }

  /** The value of header {@code i}, trimmed; bytes beyond ASCII as ISO-8859-1 chars. */
  String value(int i) {
    int at = i * 6;
    return new String(
        bytes, fields[at + 2], fields[at + 3] - fields[at + 2], StandardCharsets.ISO_8859_1);
  }

  /** Whether header {@code i} is one forwarding leaves out. */
  boolean isHopByHop(int i) {
    return (fields[i * 6 + 5] & HOP) != 0;
  }

  /** Whether header {@code i} is named {@code lowerName} (given in lower case), in any case. */
  boolean nameIs(int i, String lowerName) {
    int at = i * 6;
    return fields[at + 1] - fields[at] == lowerName.length()
        && equalsLower(bytes, fields[at], lowerName);
  }

  /** Writes the whole head as received. */
  void writeTo(ByteBuf out) {
    out.writeBytes(bytes);
  }

  /** Writes the start line as received (its CRLF included). */
  void writeStartLine(ByteBuf out) {
    out.writeBytes(bytes, 0, startLineEnd);
  }

  /** Writes the status code and reason of a response, after the version: {@code " 200 OK\r\n"}. */
  void writeStatusAndReason(ByteBuf out) {
    // "HTTP/1.x" is 8 bytes; the rest of the start line follows unchanged.
    out.writeBytes(bytes, 8, startLineEnd - 8);
  }

  /**
   * Writes the start line of a request with the version HTTP/1.1: the method and target as
   * received.
   */
  void writeRequestLineAs11(ByteBuf out) {
    // The line ends "HTTP/1.x\r\n": 10 bytes.
    out.writeBytes(bytes, 0, startLineEnd - 10);
    out.writeBytes(HTTP_11_CRLF);
  }

  private static final byte[] HTTP_11_CRLF = "HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Writes header line {@code i} as received (its CRLF included). */
  void writeHeaderLine(ByteBuf out, int i) {
    int at = i * 6;
    out.writeBytes(bytes, fields[at], fields[at + 4] - fields[at]);
  }

  /** The head's size in bytes, start line through the blank line. */
  int length() {
    return bytes.length;
  }

  /**
   * Parses a complete head, all of {@code bytes}, ending with an empty line.
   *
   * @param request whether a request head is expected (else a response head)
   * @throws Malformed when it is not one RFC 9112 allows
   */
  static Http1Head parse(byte[] bytes, boolean request) throws Malformed {
    int length = bytes.length;
    int lineEnd = lineEnd(bytes, 0, length);
    String method = null;
    String target = null;
    int status = 0;
    boolean http10;
    if (request) {
      int sp1 = indexOf(bytes, 0, lineEnd, (byte) ' ');
      int sp2 = sp1 < 0 ? -1 : indexOf(bytes, sp1 + 1, lineEnd, (byte) ' ');
      if (sp1 <= 0 || sp2 <= sp1 + 1 || !isToken(bytes, 0, sp1)) {
        throw bad("request line");
      }
      for (int k = sp1 + 1; k < sp2; k++) {
        int c = bytes[k] & 0xff;
        if (c <= 0x20 || c == 0x7f) {
          throw bad("request target");
        }
      }
      http10 = version(bytes, sp2 + 1, lineEnd);
      method = ascii(bytes, 0, sp1);
      target = new String(bytes, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
    } else {
      // HTTP/1.x SP 3DIGIT SP reason, the reason possibly empty and its space possibly missing.
      if (lineEnd < 12 || bytes[8] != ' ') {
        throw bad("status line");
      }
      http10 = version(bytes, 0, 8);
      for (int k = 9; k < 12; k++) {
        if (bytes[k] < '0' || bytes[k] > '9') {
          throw bad("status code");
        }
        status = status * 10 + (bytes[k] - '0');
      }
      if (status < 100 || status > 599 || (lineEnd > 12 && bytes[12] != ' ')) {
        throw bad("status line");
      }
      for (int k = 13; k < lineEnd; k++) {
        int c = bytes[k] & 0xff;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          throw bad("reason phrase");
        }
      }
    }
    int startLineEnd = lineEnd + 2;

    int[] fields = new int[6 * 8];
    int count = 0;
    int pos = startLineEnd;
    long contentLength = -1;
    boolean hasTe = false;
    boolean chunked = false;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean hop = false;
    boolean connectionNames = false;
    while (true) {
      if (pos + 1 < length && bytes[pos] == '\r' && bytes[pos + 1] == '\n') {
        pos += 2;
        break;
      }
      // One pass over the line: the name, token bytes up to the colon (none before it: no folded
      // line, no space before the colon); then the value, no control bytes but HTAB, up to CRLF.
      int colon = pos;
      while (colon < length && TCHAR[bytes[colon] & 0xff]) {
        colon++;
      }
      if (colon == pos || colon == length || bytes[colon] != ':') {
        throw bad("header line");
      }
      int end = colon + 1;
      while (end < length && FIELD_VALUE[bytes[end] & 0xff]) {
        end++;
      }
      if (end + 1 >= length || bytes[end] != '\r' || bytes[end + 1] != '\n') {
        throw bad("header value");
      }
      int vs = skipSpace(bytes, colon + 1, end);
      int ve = trimSpace(bytes, vs, end);
      if (count * 6 == fields.length) {
        fields = Arrays.copyOf(fields, fields.length * 2);
      }
      int at = count * 6;
      fields[at] = pos;
      fields[at + 1] = colon;
      fields[at + 2] = vs;
      fields[at + 3] = ve;
      fields[at + 4] = end + 2;
      int flags = 0;
      int nameLen = colon - pos;
      if (nameLen == 14 && equalsLower(bytes, pos, "content-length")) {
        if (contentLength >= 0) {
          throw bad("more than one Content-Length");
        }
        contentLength = digits(bytes, vs, ve);
      } else if (nameLen == 17 && equalsLower(bytes, pos, "transfer-encoding")) {
        hasTe = true;
        // The codings of every Transfer-Encoding line, in order: chunked must be the last of all,
        // and only once.
        if (chunked) {
          throw bad("a coding after chunked");
        }
        chunked = lastCodingIsChunked(bytes, vs, ve);
      } else if (nameLen == 10 && equalsLower(bytes, pos, "connection")) {
        close |= hasToken(bytes, vs, ve, "close");
        keepAliveToken |= hasToken(bytes, vs, ve, "keep-alive");
        connectionNames = true;
      }
      if (isHopByHopName(bytes, pos, nameLen)) {
        flags |= HOP;
        hop = true;
      }
      fields[at + 5] = flags;
      count++;
      pos = end + 2;
    }
    if (pos != length) {
      throw bad("bytes after the head");
    }
    if (hasTe && request && (http10 || contentLength >= 0 || !chunked)) {
      throw bad("Transfer-Encoding");
    }
    if (hasTe && !request && contentLength >= 0) {
      // RFC 9112 §6.3: Transfer-Encoding overrides; nginx refuses such a response, and so do we.
      throw bad("Content-Length and Transfer-Encoding");
    }
    boolean keepAlive = http10 ? keepAliveToken && !close : !close;
    Http1Head head =
        new Http1Head(
            bytes,
            startLineEnd,
            fields,
            count,
            method,
            target,
            status,
            http10,
            contentLength,
            chunked,
            keepAlive,
            hop);
    if (connectionNames) {
      head.markConnectionNames();
    }
    return head;
  }

  /**
   * Flags the headers every Connection header names, but Content-Length and Transfer-Encoding: the
   * proxy forwards the body as framed.
   */
  private void markConnectionNames() {
    for (int i = 0; i < count; i++) {
      if (!nameIs(i, "connection")) {
        continue;
      }
      int at = i * 6;
      int end = fields[at + 3];
      int[] span = new int[2];
      for (int k = fields[at + 2]; k <= end; ) {
        k = element(bytes, k, end, span);
        int s = span[0];
        int t = span[1];
        if (t > s
            && !(t - s == 10 && equalsLower(bytes, s, "keep-alive"))
            && !(t - s == 5 && equalsLower(bytes, s, "close"))
            && !(t - s == 14 && equalsLower(bytes, s, "content-length"))
            && !(t - s == 17 && equalsLower(bytes, s, "transfer-encoding"))) {
          for (int j = 0; j < count; j++) {
            int jt = j * 6;
            if (fields[jt + 1] - fields[jt] == t - s
                && regionEqualsIgnoreCase(fields[jt], s, t - s)) {
              fields[jt + 5] |= HOP;
            }
          }
        }
      }
    }
  }

  /**
   * The element at {@code k} of the comma-separated list {@code b[.., to)}, trimmed of spaces and
   * tabs: its bounds go to {@code span[0]} and {@code span[1]} (equal when it is empty). Returns
   * where the next element starts; past {@code to} after the last.
   */
  private static int element(byte[] b, int k, int to, int[] span) {
    int e = k;
    while (e < to && b[e] != ',') {
      e++;
    }
    int s = skipSpace(b, k, e);
    span[0] = s;
    span[1] = trimSpace(b, s, e);
    return e + 1;
  }

  /** The first offset in {@code b[from, to)} that is not a space or tab; {@code to} if none. */
  private static int skipSpace(byte[] b, int from, int to) {
    while (from < to && (b[from] == ' ' || b[from] == '\t')) {
      from++;
    }
    return from;
  }

  /** The end of {@code b[from, to)} without its trailing spaces and tabs. */
  private static int trimSpace(byte[] b, int from, int to) {
    while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    return to;
  }

  private boolean regionEqualsIgnoreCase(int a, int b, int n) {
    for (int k = 0; k < n; k++) {
      if (lower(bytes[a + k]) != lower(bytes[b + k])) {
        return false;
      }
    }
    return true;
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }

  /** The offset of the CR that ends the line starting at {@code from}. */
  private static int lineEnd(byte[] b, int from, int length) throws Malformed {
    for (int k = from; k < length; k++) {
      if (b[k] == '\n') {
        if (k == from || b[k - 1] != '\r') {
          throw bad("a line not ending in CRLF");
        }
        return k - 1;
      }
    }
    throw bad("an unterminated line");
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int k = from; k < to; k++) {
      if (b[k] == c) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code b[from, to)} is "HTTP/1.0" (true) or "HTTP/1.1" (false); else refused. */
  private static boolean version(byte[] b, int from, int to) throws Malformed {
    if (to - from != 8
        || b[from] != 'H'
        || b[from + 1] != 'T'
        || b[from + 2] != 'T'
        || b[from + 3] != 'P'
        || b[from + 4] != '/'
        || b[from + 5] != '1'
        || b[from + 6] != '.'
        || (b[from + 7] != '0' && b[from + 7] != '1')) {
      throw bad("HTTP version");
    }
    return b[from + 7] == '0';
  }

  private static boolean isToken(byte[] b, int from, int to) {
    if (to <= from) {
      return false;
    }
    for (int k = from; k < to; k++) {
      if (!TCHAR[b[k] & 0xff]) {
        return false;
      }
    }
    return true;
  }

  private static final boolean[] TCHAR = new boolean[256];

  /** Bytes a field value may hold: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5). */
  private static final boolean[] FIELD_VALUE = new boolean[256];

  static {
    for (int c = 0x20; c < 0x100; c++) {
      FIELD_VALUE[c] = c != 0x7f;
    }
    FIELD_VALUE['\t'] = true;
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private static boolean equalsLower(byte[] b, int from, String lowerName) {
    for (int k = 0; k < lowerName.length(); k++) {
      if (lower(b[from + k]) != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHopByHopName(byte[] b, int from, int n) {
    for (String name : HOP_BY_HOP) {
      if (name.length() == n && equalsLower(b, from, name)) {
        return true;
      }
    }
    return false;
  }

  private static long digits(byte[] b, int from, int to) throws Malformed {
    if (to <= from || to - from > 18) {
      throw bad("Content-Length");
    }
    long v = 0;
    for (int k = from; k < to; k++) {
      if (b[k] < '0' || b[k] > '9') {
        throw bad("Content-Length");
      }
      v = v * 10 + (b[k] - '0');
    }
    return v;
  }

  /** Whether the last element of a coding list is "chunked", and no earlier one is. */
  private static boolean lastCodingIsChunked(byte[] b, int from, int to) throws Malformed {
    boolean last = false;
    int[] span = new int[2];
    for (int k = from; k <= to; ) {
      k = element(b, k, to, span);
      int s = span[0];
      int t = span[1];
      if (t > s) {
        if (last) {
          throw bad("a coding after chunked");
        }
        last = t - s == 7 && equalsLower(b, s, "chunked");
      }
    }
    return last;
  }

  private static boolean hasToken(byte[] b, int from, int to, String lowerToken) {
    int[] span = new int[2];
    for (int k = from; k <= to; ) {
      k = element(b, k, to, span);
      if (span[1] - span[0] == lowerToken.length() && equalsLower(b, span[0], lowerToken)) {
        return true;
      }
    }
    return false;
  }

  private static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.US_ASCII);
  }

  private static Malformed bad(String what) {
    return new Malformed(Fault.BAD, what);
  }
}
