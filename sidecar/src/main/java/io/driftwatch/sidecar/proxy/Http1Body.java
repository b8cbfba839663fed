package io.driftwatch.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * A run of a message body's bytes as received, for the proxy to forward unchanged: {@link #payload}
 * bytes are the body's content, the others chunked coding's framing (chunk sizes, their CRLFs, the
 * last chunk and trailers), so the proxy can copy the content alone (capture, re-framing) and still
 * forward a chunked body byte for byte. {@link #last} ends the message.
 */
final class Http1Body extends DefaultByteBufHolder {
  /** The end of a message with no body, or of one whose end is the connection's. */
  static final Http1Body EMPTY_LAST = new Http1Body(Unpooled.EMPTY_BUFFER, true, true);

  final boolean payload;
  final boolean last;

  Http1Body(ByteBuf bytes, boolean payload, boolean last) {
    super(bytes);
    this.payload = payload;
    this.last = last;
  }
}
