package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.capture.StreamCapture;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Notes what a server-sent-events response does as it streams through, beside the {@link BodyTee}
 * that keeps its head: the arrival time of each read (the first and last {@link
 * StreamCapture#MAX_READS}/2), the number of events that carry data (counted over the whole stream
 * by a small state machine, so a stream longer than the capture limit is still counted), and the
 * last {@link #TAIL_BYTES} bytes past the head, where an LLM stream puts its finish reason and
 * token usage. Constant memory per stream; event loop only; never touches the buffers' indexes.
 */
final class StreamTap implements ByteProcessor {
  /** The most bytes kept from the end of a stream, beyond the head. */
  static final int TAIL_BYTES = 16 * 1024;

  private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
  private static final int HALF = StreamCapture.MAX_READS / 2;

  private final long headLimit;
  private final int tailLimit;
  private byte[] ring;
  private long total;
  private final long[] ends = new long[StreamCapture.MAX_READS];
  private final long[] nanos = new long[StreamCapture.MAX_READS];
  private long reads;

  private boolean lineStart = true;
  private int matched;
  private boolean eventHasData;
  private long dataEvents;

  /**
   * @param headLimit the bytes the head tee keeps; the tail holds bytes after them
   */
  StreamTap(int headLimit) {
    this.headLimit = headLimit;
    this.tailLimit = Math.min(TAIL_BYTES, headLimit);
  }

  /** Notes one read of the body that arrived {@code nanosSinceStart} after the request. */
  void add(ByteBuf content, long nanosSinceStart) {
    int n = content.readableBytes();
    if (n == 0) {
      return;
    }
    int from = content.readerIndex();
    long end = total + n;
    if (end > headLimit && tailLimit > 0) {
      keepTail(content, from, n);
    }
    total = end;
    int slot =
        reads < HALF
            ? (int) reads
            : HALF + (int) ((reads - HALF) % (StreamCapture.MAX_READS - HALF));
    ends[slot] = end;
    nanos[slot] = nanosSinceStart;
    reads++;
    content.forEachByte(from, n, this);
  }

  private void keepTail(ByteBuf content, int from, int n) {
    if (ring == null) {
      ring = new byte[tailLimit];
    }
    // Only bytes past the head go to the ring, and of those only the last tailLimit matter.
    long skip = Math.max(0, headLimit - total);
    long start = total + skip;
    int count = (int) (n - skip);
    if (count > tailLimit) {
      start += count - tailLimit;
      count = tailLimit;
    }
    int src = from + (int) (start - total);
    int pos = (int) ((start - headLimit) % tailLimit);
    int first = Math.min(count, tailLimit - pos);
    content.getBytes(src, ring, pos, first);
    if (first < count) {
      content.getBytes(src + first, ring, 0, count - first);
    }
  }

  /**
   * Counts events with data: a blank line ends an event, a line starting {@code data:} marks it.
   */
  @Override
  public boolean process(byte b) {
    if (b == '\r') {
      return true;
    }
    if (b == '\n') {
      if (lineStart) {
        if (eventHasData) {
          dataEvents++;
          eventHasData = false;
        }
      }
      lineStart = true;
      matched = 0;
      return true;
    }
    if (lineStart) {
      lineStart = false;
      matched = 0;
    }
    if (matched >= 0 && matched < DATA.length) {
      matched = b == DATA[matched] ? matched + 1 : -1;
      if (matched == DATA.length) {
        eventHasData = true;
        matched = -1;
      }
    }
    return true;
  }

  /** What was noted; the tap keeps nothing afterwards that matters. */
  StreamCapture take() {
    int kept = (int) Math.min(reads, StreamCapture.MAX_READS);
    long[] e = new long[kept];
    long[] t = new long[kept];
    int head = (int) Math.min(reads, HALF);
    System.arraycopy(ends, 0, e, 0, head);
    System.arraycopy(nanos, 0, t, 0, head);
    int ringSize = StreamCapture.MAX_READS - HALF;
    long inRing = reads - head;
    for (int i = 0; i < kept - head; i++) {
      // The oldest kept ring entry is at (reads - HALF - kept-in-ring) mod ringSize.
      long index = inRing - (kept - head) + i;
      int slot = HALF + (int) (index % ringSize);
      e[head + i] = ends[slot];
      t[head + i] = nanos[slot];
    }
    byte[] tail;
    long tailOffset;
    if (total <= headLimit || ring == null) {
      tail = new byte[0];
      tailOffset = Math.min(total, headLimit);
    } else {
      long beyond = total - headLimit;
      int size = (int) Math.min(beyond, tailLimit);
      tailOffset = total - size;
      tail = new byte[size];
      int pos = (int) ((tailOffset - headLimit) % tailLimit);
      int first = Math.min(size, tailLimit - pos);
      System.arraycopy(ring, pos, tail, 0, first);
      System.arraycopy(ring, 0, tail, first, size - first);
    }
    ring = null;
    return new StreamCapture(e, t, total, dataEvents, tail, tailOffset);
  }
}
