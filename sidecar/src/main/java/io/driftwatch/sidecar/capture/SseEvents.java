package io.driftwatch.sidecar.capture;

import java.nio.charset.StandardCharsets;

/**
 * Splits captured server-sent-events bytes into events, as the SSE specification dispatches them:
 * lines end with LF or CRLF, a blank line ends an event, {@code data:} lines are joined with LF, an
 * event without data is not dispatched, comments and other fields are skipped. (A bare CR as a line
 * end is not recognised.)
 */
final class SseEvents {
  private SseEvents() {}

  /** Receives each event with data. */
  @FunctionalInterface
  interface Consumer {
    /**
     * @param data the event's data lines joined with LF
     * @param endOffset the stream offset of the LF that ended the event
     */
    void event(String data, long endOffset);
  }

  /**
   * Reads the events of {@code bytes[from, to)}, whose first byte is at stream offset {@code base +
   * from}. Bytes after the last blank line (an event still open) are not dispatched.
   *
   * @return the number of events dispatched
   */
  static int read(byte[] bytes, int from, int to, long base, Consumer consumer) {
    int events = 0;
    StringBuilder data = null;
    int line = from;
    for (int i = from; i < to; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      int end = i > line && bytes[i - 1] == '\r' ? i - 1 : i;
      if (end == line) {
        if (data != null) {
          consumer.event(data.toString(), base + i);
          events++;
          data = null;
        }
      } else if (startsWith(bytes, line, end, "data")) {
        int v = line + 4;
        // "data" without a colon is a data field too, but rare; the proxy's count skips it as well.
        if (v < end && bytes[v] == ':') {
          v++;
          if (v < end && bytes[v] == ' ') {
            v++;
          }
          String value = new String(bytes, v, end - v, StandardCharsets.UTF_8);
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
      }
      line = i + 1;
    }
    return events;
  }

  /**
   * Where the first whole event starts in bytes that may begin in the middle of one: just after the
   * first blank line; {@code to} when there is none.
   */
  static int firstBoundary(byte[] bytes, int from, int to) {
    boolean lineEmpty = false;
    boolean atLineStart = false;
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        if (atLineStart && lineEmpty) {
          return i + 1;
        }
        atLineStart = true;
        lineEmpty = true;
      } else if (b != '\r') {
        lineEmpty = false;
        atLineStart = false;
      }
    }
    return to;
  }

  private static boolean startsWith(byte[] bytes, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[from + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
