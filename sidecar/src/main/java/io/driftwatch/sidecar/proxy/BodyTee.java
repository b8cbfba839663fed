package io.driftwatch.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A bounded copy of a body as it streams through: keeps the first {@code limit} bytes, notes that
 * there were more, and never touches the buffers' indexes, so the forwarded bytes are the received
 * ones. Event loop only.
 */
final class BodyTee {
  private static final byte[] EMPTY = new byte[0];

  private final int limit;
  private final int initialCapacity;
  private byte[] buf;
  private int size;
  private boolean truncated;
  private boolean taken;

  /**
   * @param limit the most bytes kept
   * @param expectedLength the declared length (Content-Length), or -1 when unknown
   */
  BodyTee(int limit, long expectedLength) {
    this.limit = limit;
    this.initialCapacity = (int) Math.min(limit, expectedLength > 0 ? expectedLength : 1024);
  }

  void add(ByteBuf content) {
    int n = content.readableBytes();
    if (taken || n == 0) {
      return;
    }
    int keep = Math.min(n, limit - size);
    if (keep < n) {
      truncated = true;
    }
    if (keep <= 0) {
      return;
    }
    if (buf == null) {
      buf = new byte[Math.max(initialCapacity, keep)];
    } else if (size + keep > buf.length) {
      buf = Arrays.copyOf(buf, Math.min(limit, Math.max(size + keep, buf.length * 2)));
    }
    content.getBytes(content.readerIndex(), buf, size, keep);
    size += keep;
  }

  /** Whether bytes beyond the limit were seen. */
  boolean truncated() {
    return truncated;
  }

  /** The kept bytes; afterwards the tee keeps nothing more. */
  byte[] take() {
    taken = true;
    if (buf == null) {
      return EMPTY;
    }
    byte[] out = size == buf.length ? buf : Arrays.copyOf(buf, size);
    buf = null;
    return out;
  }
}
