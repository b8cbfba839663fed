package io.driftwatch.sidecar.capture;

/**
 * What the proxy noted while a server-sent-events response streamed through, beyond the head of the
 * body that {@link Exchange#responseBody()} holds: when each read arrived, how many events carried
 * data, and the last bytes of the stream. Bounded: at most {@value #MAX_READS} read times (the
 * first and the last half of them) and {@code tail.length} bytes.
 *
 * <p>Immutable by contract, like {@link Exchange}: the arrays are handed over, not copied.
 *
 * @param readEnds for each read noted, the body offset just after its last byte; ascending
 * @param readNanos when that read arrived, nanoseconds after the request reached the proxy
 * @param totalBytes the length of the whole response body
 * @param dataEvents the SSE events that carried a {@code data} field, over the whole stream
 * @param tail the body bytes from {@code tailOffset} to the end; empty when the head held it all
 * @param tailOffset the body offset of {@code tail[0]}; equal to the head's length when the tail
 *     follows the head without a gap
 */
public record StreamCapture(
    long[] readEnds,
    long[] readNanos,
    long totalBytes,
    long dataEvents,
    byte[] tail,
    long tailOffset) {

  /** The most reads whose arrival time is kept: the first half and the last half. */
  public static final int MAX_READS = 128;

  /**
   * When the byte at {@code offset} arrived, in nanoseconds after the request reached the proxy.
   * When the reads around it were not kept (very long streams), the first known later arrival: an
   * upper bound. -1 for an offset past the last read.
   */
  public long arrivalNanos(long offset) {
    int lo = 0;
    int hi = readEnds.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (readEnds[mid] > offset) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found < 0 ? -1 : readNanos[found];
  }

  /** Bytes charged against the capture queue's byte bound. */
  long sizeBytes() {
    return 64L + tail.length + 16L * readEnds.length;
  }
}
