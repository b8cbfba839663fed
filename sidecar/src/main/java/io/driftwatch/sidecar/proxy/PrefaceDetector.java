package io.driftwatch.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The first handler of a client connection: reads until the bytes either are the HTTP/2 client
 * preface ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, prior knowledge: what gRPC clients send on a
 * cleartext connection) or cannot be, then installs the HTTP/2 or the HTTP/1.1 handlers behind
 * itself and leaves. The bytes read so far go to the new handlers, so nothing is lost or altered.
 * An HTTP/1.1 request differs from the preface by its second byte at the latest.
 */
final class PrefaceDetector extends ByteToMessageDecoder {
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Consumer<ChannelPipeline> http1;
  private final Consumer<ChannelPipeline> http2;
  private final Duration silence;
  private ScheduledFuture<?> timer;

  /**
   * @param http1 adds the HTTP/1.1 handlers at the end of the pipeline
   * @param http2 adds the HTTP/2 handlers at the end of the pipeline
   * @param silence how long a new connection may stay silent before it is closed without a
   *     response, as nginx's client_header_timeout does (the installed handlers time what follows)
   */
  PrefaceDetector(
      Consumer<ChannelPipeline> http1, Consumer<ChannelPipeline> http2, Duration silence) {
    this.http1 = http1;
    this.http2 = http2;
    this.silence = silence;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Passed on to the handlers installed once the protocol is known.
    timer =
        ctx.executor()
            .schedule(
                () -> ctx.close(), silence.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
        install(ctx, http1);
        return;
      }
    }
    if (n == PREFACE.readableBytes()) {
      install(ctx, http2);
    }
  }

  private void install(ChannelHandlerContext ctx, Consumer<ChannelPipeline> handlers) {
    handlers.accept(ctx.pipeline());
    if (ctx.channel().isActive()) {
      ctx.fireChannelActive();
    }
    // Hands the bytes read so far to the new handlers.
    ctx.pipeline().remove(this);
  }
}
