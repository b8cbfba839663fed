package io.driftwatch.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Splits the bytes of an HTTP/1.x connection into messages for the proxy: an {@link Http1Head},
 * then its body as {@link Http1Body} slices of the buffers read (no copy), the last one marked; or
 * an {@link Http1Error}, after which nothing more is decoded. A head is copied into a small array
 * once; a body never is.
 *
 * <p>Replaces Netty's HTTP codec on the proxy's hot path. That codec turns every head into a header
 * map and every message back into bytes on the way out, four times an exchange; a proxy that
 * forwards bytes needs only the message boundaries and the few headers it reads. Measured on the
 * sidecar benchmark's workload, the codec and its objects were most of the event loops' Java time.
 *
 * <p>A response decoder must be told, for each request forwarded, whether it was a HEAD request
 * ({@link #expectResponse}): the response to one has no body whatever its headers say.
 */
final class Http1Decoder extends ChannelInboundHandlerAdapter {
  /** The longest start line; a longer request line is answered 414 (Netty's and nginx's 4 KiB). */
  static final int MAX_LINE = 4096;

  /** The most bytes of header lines (and of a chunked body's trailers); then a 431. */
  static final int MAX_HEADERS = 8192;

  private enum State {
    HEAD,
    FIXED,
    CHUNK_SIZE,
    CHUNK_EXT,
    CHUNK_SIZE_LF,
    CHUNK_DATA,
    CHUNK_DATA_CR,
    CHUNK_DATA_LF,
    TRAILER,
    TRAILER_LF,
    UNTIL_CLOSE,
    FAILED
  }

  private final boolean requests;
  private final ArrayDeque<Boolean> due = new ArrayDeque<>();

  private State state = State.HEAD;
  private byte[] head = new byte[512];
  private int headLen;
  private int lineStart;
  private boolean startLineDone;
  private int startLineLength;

  private long remaining;
  private int sizeDigits;
  private int lineLength;
  private int trailerBytes;

  /**
   * @param requests true on a client connection (requests arrive), false on a model server's
   */
  Http1Decoder(boolean requests) {
    this.requests = requests;
  }

  /** A request was forwarded on this (response) connection; {@code head}: it was a HEAD request. */
  void expectResponse(boolean head) {
    due.add(head);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      while (in.isReadable() && state != State.FAILED) {
        switch (state) {
          case HEAD -> readHead(ctx, in);
          case FIXED -> {
            int n = (int) Math.min(remaining, in.readableBytes());
            remaining -= n;
            boolean last = remaining == 0;
            if (last) {
              state = State.HEAD;
            }
            ctx.fireChannelRead(new Http1Body(in.readRetainedSlice(n), true, last));
          }
          case UNTIL_CLOSE ->
              ctx.fireChannelRead(
                  new Http1Body(in.readRetainedSlice(in.readableBytes()), true, false));
          default -> readChunked(ctx, in);
        }
      }
    } finally {
      in.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.UNTIL_CLOSE) {
      // The response had no length: its end is the connection's.
      state = State.HEAD;
      ctx.fireChannelRead(Http1Body.EMPTY_LAST);
    }
    ctx.fireChannelInactive();
  }

  private void readHead(ChannelHandlerContext ctx, ByteBuf in) {
    if (headLen == 0) {
      // RFC 9112 §2.2: empty lines before a request line are ignored.
      while (in.isReadable()) {
        byte b = in.getByte(in.readerIndex());
        if (b != '\r' && b != '\n') {
          break;
        }
        in.skipBytes(1);
      }
      if (!in.isReadable()) {
        return;
      }
      lineStart = 0;
      startLineDone = false;
    }
    int limit = MAX_LINE + MAX_HEADERS + 4;
    int n = Math.min(in.readableBytes(), limit - headLen);
    if (headLen + n > head.length) {
      head = Arrays.copyOf(head, Math.min(limit, Math.max(headLen + n, head.length * 2)));
    }
    in.getBytes(in.readerIndex(), head, headLen, n);
    int from = headLen;
    int to = headLen + n;
    for (int k = from; k < to; k++) {
      byte c = head[k];
      if (k > 0 && head[k - 1] == '\r' && c != '\n') {
        fail(ctx, Http1Head.Fault.BAD, false, "a CR not followed by LF");
        return;
      }
      if (c != '\n') {
        continue;
      }
      if (k == 0 || head[k - 1] != '\r') {
        fail(ctx, Http1Head.Fault.BAD, false, "a line ending in a bare LF");
        return;
      }
      if (!startLineDone) {
        if (k + 1 > MAX_LINE) {
          fail(ctx, Http1Head.Fault.LINE_TOO_LONG, false, "start line too long");
          return;
        }
        startLineDone = true;
        startLineLength = k + 1;
      } else if (k - 1 == lineStart) {
        in.skipBytes(k + 1 - from);
        headLen = 0;
        parsed(ctx, Arrays.copyOf(head, k + 1));
        return;
      }
      lineStart = k + 1;
    }
    in.skipBytes(n);
    headLen = to;
    if (!startLineDone && headLen > MAX_LINE) {
      fail(ctx, Http1Head.Fault.LINE_TOO_LONG, false, "start line too long");
    } else if (headLen >= limit || (startLineDone && headersTooLarge(headLen))) {
      fail(ctx, Http1Head.Fault.HEADERS_TOO_LARGE, false, "head too large");
    }
  }

  /** Whether the header lines of a head of {@code length} bytes so far exceed the limit. */
  private boolean headersTooLarge(int length) {
    return length - startLineLength > MAX_HEADERS + 2;
  }

  private void parsed(ChannelHandlerContext ctx, byte[] bytes) {
    Http1Head h;
    try {
      h = Http1Head.parse(bytes, requests);
    } catch (Http1Head.Malformed e) {
      fail(ctx, e.fault, false, e.getMessage());
      return;
    }
    if (headersTooLarge(bytes.length)) {
      fail(ctx, Http1Head.Fault.HEADERS_TOO_LARGE, false, "head too large");
      return;
    }
    h.framing = framing(h);
    ctx.fireChannelRead(h);
    if (!requests && h.status == 101) {
      // 101 ends HTTP on the connection: nothing after it is read as HTTP.
      state = State.FAILED;
      ctx.fireChannelRead(Http1Body.EMPTY_LAST);
      return;
    }
    switch (h.framing) {
      case NONE -> ctx.fireChannelRead(Http1Body.EMPTY_LAST);
      case LENGTH -> {
        state = State.FIXED;
        remaining = h.contentLength;
      }
      case CHUNKED -> {
        state = State.CHUNK_SIZE;
        remaining = 0;
        sizeDigits = 0;
      }
      case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
    }
  }

  /**
   * How the body of {@code h} is delimited (RFC 9112 §6.3). A final response takes the next due
   * request's method: the answer to a HEAD request has no body whatever its headers say. A response
   * with both Content-Length and Transfer-Encoding was refused by the parser, so a
   * Transfer-Encoding other than chunked leaves the length unknown.
   */
  private Http1Head.Framing framing(Http1Head h) {
    if (!requests) {
      if (h.status < 200) {
        return Http1Head.Framing.NONE;
      }
      if (Boolean.TRUE.equals(due.poll()) || h.status == 204 || h.status == 304) {
        return Http1Head.Framing.NONE;
      }
    }
    if (h.chunked) {
      return Http1Head.Framing.CHUNKED;
    }
    if (h.contentLength > 0) {
      return Http1Head.Framing.LENGTH;
    }
    return requests || h.contentLength == 0
        ? Http1Head.Framing.NONE
        : Http1Head.Framing.UNTIL_CLOSE;
  }

  /** Chunked coding: framing bytes and content bytes go out as separate slices, in order. */
  private void readChunked(ChannelHandlerContext ctx, ByteBuf in) {
    int frameStart = in.readerIndex();
    while (in.isReadable()) {
      if (state == State.CHUNK_DATA) {
        framingBytes(ctx, in, frameStart, false);
        int n = (int) Math.min(remaining, in.readableBytes());
        remaining -= n;
        if (remaining == 0) {
          state = State.CHUNK_DATA_CR;
        }
        ctx.fireChannelRead(new Http1Body(in.readRetainedSlice(n), true, false));
        frameStart = in.readerIndex();
        continue;
      }
      byte c = in.readByte();
      switch (state) {
        case CHUNK_SIZE -> {
          int v = hex(c);
          if (v >= 0 && sizeDigits < 15) {
            remaining = remaining * 16 + v;
            sizeDigits++;
          } else if (sizeDigits > 0 && (c == ';' || c == ' ' || c == '\t')) {
            state = State.CHUNK_EXT;
            lineLength = 0;
          } else if (sizeDigits > 0 && c == '\r') {
            state = State.CHUNK_SIZE_LF;
          } else {
            fail(ctx, Http1Head.Fault.BAD, true, "chunk size");
            return;
          }
        }
        case CHUNK_EXT -> {
          if (c == '\r') {
            state = State.CHUNK_SIZE_LF;
          } else if (c == '\n' || ++lineLength > MAX_LINE) {
            fail(ctx, Http1Head.Fault.BAD, true, "chunk extension");
            return;
          }
        }
        case CHUNK_SIZE_LF -> {
          if (c != '\n') {
            fail(ctx, Http1Head.Fault.BAD, true, "chunk size line");
            return;
          }
          if (remaining == 0) {
            state = State.TRAILER;
            lineLength = 0;
            trailerBytes = 0;
          } else {
            state = State.CHUNK_DATA;
          }
        }
        case CHUNK_DATA_CR -> {
          if (c != '\r') {
            fail(ctx, Http1Head.Fault.BAD, true, "chunk not ending in CRLF");
            return;
          }
          state = State.CHUNK_DATA_LF;
        }
        case CHUNK_DATA_LF -> {
          if (c != '\n') {
            fail(ctx, Http1Head.Fault.BAD, true, "chunk not ending in CRLF");
            return;
          }
          state = State.CHUNK_SIZE;
          remaining = 0;
          sizeDigits = 0;
        }
        case TRAILER -> {
          if (c == '\r') {
            state = State.TRAILER_LF;
          } else if (c == '\n' || ++trailerBytes > MAX_HEADERS) {
            fail(ctx, Http1Head.Fault.BAD, true, "trailer");
            return;
          } else {
            lineLength++;
          }
        }
        case TRAILER_LF -> {
          if (c != '\n') {
            fail(ctx, Http1Head.Fault.BAD, true, "trailer line");
            return;
          }
          if (lineLength == 0) {
            state = State.HEAD;
            framingBytes(ctx, in, frameStart, true);
            return;
          }
          state = State.TRAILER;
          lineLength = 0;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    framingBytes(ctx, in, frameStart, false);
  }

  /**
   * Passes on the chunked framing read since {@code frameStart} (chunk sizes, CRLFs, the last chunk
   * and trailers): nothing when there is none, unless it ends the message.
   */
  private static void framingBytes(
      ChannelHandlerContext ctx, ByteBuf in, int frameStart, boolean last) {
    int n = in.readerIndex() - frameStart;
    if (n > 0 || last) {
      ctx.fireChannelRead(new Http1Body(in.retainedSlice(frameStart, n), false, last));
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private void fail(
      ChannelHandlerContext ctx, Http1Head.Fault fault, boolean inBody, String detail) {
    state = State.FAILED;
    headLen = 0;
    ctx.fireChannelRead(new Http1Error(fault, inBody, detail));
  }
}
