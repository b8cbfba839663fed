package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.capture.CaptureTap;
import io.driftwatch.sidecar.capture.Exchange;
import io.driftwatch.sidecar.capture.KServeV2GrpcParser;
import io.driftwatch.sidecar.capture.ThrottledLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 cleartext client connection (gRPC, prior knowledge) and its HTTP/2 upstream
 * connection. Each client stream becomes one upstream stream; headers, data and trailers pass
 * through frame by frame, unchanged but for an added {@code x-prediction-id} response header. Lives
 * on one event loop (the upstream channel is registered on the client's), so its state needs no
 * locking.
 *
 * <p>Flow control is end to end: the bytes of a DATA frame are returned to the sender's window only
 * once the frame has been written to the other side, so a slow model or client stops its peer
 * through HTTP/2 windows, and the proxy holds at most a window's worth per stream (and {@link
 * #CONNECTION_WINDOW} per connection) — never a whole message.
 *
 * <p>Calls a {@link CaptureTap} claims (gRPC {@code ModelInfer}) are teed up to the capture limit
 * and offered as one {@link Exchange} when the response's trailers went to the client, with the
 * trailers' {@code grpc-status}; a non-zero status is an error and always captured. When the model
 * cannot be reached or fails before answering, a gRPC client gets a trailers-only {@code
 * UNAVAILABLE} (a non-gRPC one a 502), as the HTTP/1.1 path answers 502.
 *
 * <p>Timeouts, as nginx's http2 module has them, from the HTTP/1.1 path's settings: a call whose
 * model stream sent no frame for {@code upstreamReadTimeout} (counted from the call's latest frame
 * either way, and not while its response waits for the client to take it) is answered {@code
 * DEADLINE_EXCEEDED} (a 504 to a non-gRPC client), or reset when its response had begun; a
 * connection without a stream for {@code idleTimeout} is closed with a GOAWAY. One timer per
 * connection checks them all.
 */
final class H2cProxyConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(H2cProxyConnection.class);
  private static final ThrottledLog UNREACHABLE_LOG = new ThrottledLog(LOG, 30, TimeUnit.SECONDS);

  /** Streams a client may open at once on one connection. */
  static final int MAX_CONCURRENT_STREAMS = 256;

  /** The receive window of each connection, both sides: what all its streams may hold at once. */
  static final int CONNECTION_WINDOW = 1024 * 1024;

  private static final String[] CAPTURED_REQUEST_HEADERS = {
    "content-type", "grpc-encoding", "traceparent"
  };
  private static final String[] CAPTURED_RESPONSE_HEADERS = {"content-type", "grpc-encoding"};
  private static final String[] CAPTURED_TRAILERS = {"grpc-status", "grpc-message"};
  private static final int GRPC_CANCELLED = 1;
  private static final int GRPC_DEADLINE_EXCEEDED = 4;
  private static final int GRPC_INTERNAL = 13;
  private static final int GRPC_UNAVAILABLE = 14;

  /** What every HTTP/2 connection of one proxy shares. */
  record Shared(
      H2cRoute route,
      Duration connectTimeout,
      Duration upstreamReadTimeout,
      Duration idleTimeout,
      ProxyObserver observer,
      AtomicInteger inFlight,
      ChannelGroup connections) {}

  private final Shared shared;
  private final Map<Http2FrameStream, Call> calls = new IdentityHashMap<>();
  private final Set<Upstream> upstreams = new LinkedHashSet<>();
  private Channel client;
  private Upstream upstream;
  private boolean closed;
  private final ConnectionTimer timer =
      new ConnectionTimer(() -> !closed, now -> client.isActive() ? checkTimeouts(now) : 0);

  /** Since when the connection has had no call; meaningful while {@link #calls} is empty. */
  private long idleSinceNanos;

  private H2cProxyConnection(Shared shared) {
    this.shared = shared;
  }

  /** Adds the HTTP/2 server codec and a connection handler at the end of {@code pipeline}. */
  static void install(ChannelPipeline pipeline, Shared shared) {
    pipeline.addLast(
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
            .build(),
        new H2cProxyConnection(shared));
  }

  /** One client stream and the upstream stream it is proxied to. */
  private static final class Call {
    final Http2FrameStream clientStream;
    final String id;
    final String method;
    final String path;
    final boolean grpc;
    final long startNanos;
    final long startEpochMicros;
    final CaptureTap.Decision decision;
    final Map<String, String> requestHeaders;
    final BodyTee requestTee;
    final Map<String, String> responseHeaders = new HashMap<>(8);
    BodyTee responseTee;
    Upstream via;
    Http2FrameStream upstreamStream;
    int status;
    boolean responseStarted;
    boolean requestEnded;
    boolean done;

    /** When the call last moved (a frame from either side); the model's silence counts from it. */
    long lastActiveNanos;

    /** DATA frames written towards the client and not yet out: the client, not the model, waits. */
    int toClientUnwritten;

    Call(
        Http2FrameStream clientStream,
        String id,
        String method,
        String path,
        boolean grpc,
        CaptureTap.Decision decision,
        Map<String, String> requestHeaders,
        BodyTee requestTee) {
      this.clientStream = clientStream;
      this.id = id;
      this.method = method;
      this.path = path;
      this.grpc = grpc;
      this.decision = decision;
      this.requestHeaders = requestHeaders;
      this.requestTee = requestTee;
      this.startNanos = System.nanoTime();
      this.lastActiveNanos = startNanos;
      Instant now = Instant.now();
      this.startEpochMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
  }

  /** A frame waiting for its upstream connection to be established. */
  private record Pending(Call call, Http2StreamFrame frame, int flowControlledBytes) {}

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    timer.start(client.eventLoop());
    growConnectionWindow(client);
    idleSinceNanos = System.nanoTime();
    timer.checkBy(idleSinceNanos + shared.idleTimeout().toNanos());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof Http2HeadersFrame headers) {
      fromClient(headers);
    } else if (msg instanceof Http2DataFrame data) {
      fromClient(data);
    } else if (msg instanceof Http2ResetFrame reset) {
      clientReset(reset.stream(), reset.errorCode());
    } else {
      // Settings, pings and window updates are the codec's business; a GOAWAY ends the connection.
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (Upstream u : upstreams) {
      if (u.connected) {
        u.channel.flush();
      }
    }
    ctx.flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    timer.cancel();
    for (Upstream u : new ArrayList<>(upstreams)) {
      u.releasePending();
      u.channel.close();
    }
    upstreams.clear();
    upstream = null;
    // Calls the client abandoned are neither answered nor captured.
    for (Call call : calls.values()) {
      if (!call.done) {
        call.done = true;
        shared.inFlight().decrementAndGet();
      }
    }
    calls.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException e) {
      // The codec has reset the stream already (a malformed request): drop its call.
      clientReset(e.stream(), Http2Error.CANCEL.code());
      return;
    }
    LOG.debug("client connection failed", cause);
    ctx.close();
  }

  private void fromClient(Http2HeadersFrame frame) {
    Call call = calls.get(frame.stream());
    if (call == null) {
      call = begin(frame.stream(), frame.headers());
      calls.put(frame.stream(), call);
      shared.inFlight().incrementAndGet();
      timer.checkBy(call.startNanos + shared.upstreamReadTimeout().toNanos());
    } else {
      call.lastActiveNanos = System.nanoTime();
    }
    if (frame.isEndStream()) {
      call.requestEnded = true;
    }
    // The request headers, or trailers after the body, go on unchanged.
    toUpstream(call, new DefaultHttp2HeadersFrame(frame.headers(), frame.isEndStream()), 0);
  }

  private void fromClient(Http2DataFrame frame) {
    Call call = calls.get(frame.stream());
    int bytes = frame.initialFlowControlledBytes();
    if (call == null || call.done) {
      frame.release();
      returnWindow(client, frame.stream(), bytes);
      return;
    }
    if (call.requestTee != null) {
      call.requestTee.add(frame.content());
    }
    if (frame.isEndStream()) {
      call.requestEnded = true;
    }
    call.lastActiveNanos = System.nanoTime();
    toUpstream(call, new DefaultHttp2DataFrame(frame.content(), frame.isEndStream()), bytes);
  }

  private Call begin(Http2FrameStream stream, Http2Headers headers) {
    String method = text(headers.method());
    String uri = text(headers.path());
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    String id = predictionId(headers);
    String type = text(headers.get("content-type"));
    CaptureTap tap = shared.route().tap();
    CaptureTap.Decision decision = tap == null ? null : tap.decide(method, path, id);
    Map<String, String> captured = Map.of();
    BodyTee tee = null;
    if (decision != null && !decision.shed()) {
      captured = pick(headers, CAPTURED_REQUEST_HEADERS, new HashMap<>(8));
      tee = new BodyTee(tap.maxCaptureBytes(), -1);
    }
    return new Call(
        stream, id, method, path, type.startsWith("application/grpc"), decision, captured, tee);
  }

  /** The id the HTTP/1.1 path would take from these headers, else a new one. */
  static String predictionId(Http2Headers headers) {
    return ProxyConnection.predictionId(headers::get);
  }

  private static Map<String, String> pick(
      Http2Headers headers, String[] names, Map<String, String> into) {
    for (String name : names) {
      CharSequence value = headers.get(name);
      if (value != null) {
        into.put(name, value.toString());
      }
    }
    return into;
  }

  private static String text(CharSequence s) {
    return s == null ? "" : s.toString();
  }

  /**
   * Sends a frame of {@code call} upstream, opening the call's upstream stream (and connection)
   * first when needed. {@code flowControlledBytes} go back to the client's window once written.
   */
  private void toUpstream(Call call, Http2StreamFrame frame, int flowControlledBytes) {
    if (call.done) {
      ReferenceCountUtil.release(frame);
      returnWindow(client, call.clientStream, flowControlledBytes);
      return;
    }
    if (call.via == null) {
      if (upstream == null) {
        upstream = connect();
      }
      call.via = upstream;
      upstream.calls.add(call);
    }
    if (!call.via.connected) {
      call.via.pending.add(new Pending(call, frame, flowControlledBytes));
      return;
    }
    writeUpstream(call, frame, flowControlledBytes);
  }

  private void writeUpstream(Call call, Http2StreamFrame frame, int flowControlledBytes) {
    Upstream u = call.via;
    if (call.upstreamStream == null) {
      call.upstreamStream = u.newStream();
      u.byStream.put(call.upstreamStream, call);
    }
    ChannelFuture written = u.channel.write(frame.stream(call.upstreamStream));
    if (flowControlledBytes > 0) {
      written.addListener(f -> returnWindow(client, call.clientStream, flowControlledBytes));
    }
    if (frame instanceof Http2HeadersFrame) {
      written.addListener(
          f -> {
            if (!f.isSuccess() && !call.done) {
              shared.observer().onUpstreamError(ProxyObserver.CLOSED_BEFORE_RESPONSE);
              fail(call, "upstream: stream not opened (" + describe(f.cause()) + ")");
            }
          });
    }
  }

  /** Gives {@code bytes} of a stream's received data back to the sender's windows. */
  private static void returnWindow(Channel ch, Http2FrameStream stream, int bytes) {
    if (bytes > 0 && ch.isActive()) {
      ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream));
    }
  }

  private static void growConnectionWindow(Channel ch) {
    ch.writeAndFlush(
        new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
  }

  private void clientReset(Http2FrameStream stream, long errorCode) {
    Call call = calls.remove(stream);
    if (call == null || call.done) {
      return;
    }
    call.done = true;
    shared.inFlight().decrementAndGet();
    noteIdle();
    Upstream u = call.via;
    if (u != null) {
      u.calls.remove(call);
      if (call.upstreamStream != null && u.connected) {
        u.byStream.remove(call.upstreamStream);
        u.channel.writeAndFlush(new DefaultHttp2ResetFrame(errorCode).stream(call.upstreamStream));
      }
      u.closeIfDrained();
    }
  }

  private Upstream connect() {
    Upstream u = new Upstream();
    H2cRoute route = shared.route();
    Bootstrap b =
        new Bootstrap()
            .group(client.eventLoop())
            .channel(client.getClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, shared.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    shared.connections().add(ch);
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient()
                                // Streams beyond the model's limit wait here for a free slot.
                                .encoderEnforceMaxConcurrentStreams(true)
                                .build(),
                            u);
                  }
                });
    ChannelFuture f = b.connect(route.upstreamHost(), route.upstreamPort());
    u.channel = f.channel();
    upstreams.add(u);
    f.addListener((ChannelFutureListener) done -> u.connected(done));
    return u;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown";
    }
    String m = cause.getMessage();
    String text = cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return text.length() <= 200 ? text : text.substring(0, 200);
  }

  private String authority() {
    H2cRoute r = shared.route();
    return r.upstreamHost().indexOf(':') >= 0
        ? "[" + r.upstreamHost() + "]:" + r.upstreamPort()
        : r.upstreamHost() + ":" + r.upstreamPort();
  }

  /**
   * Answers a call the model did not: before the response began, with a gRPC {@code UNAVAILABLE} (a
   * 502 to a non-gRPC client); after, by resetting the client's stream. Then completes it.
   */
  private void fail(Call call, String proxyError) {
    fail(call, proxyError, GRPC_UNAVAILABLE, 502, Http2Error.INTERNAL_ERROR, GRPC_INTERNAL);
  }

  /**
   * Answers a call the proxy ends: before the response began, with gRPC status {@code grpcStatus}
   * (HTTP {@code httpStatus} to a non-gRPC client); after, by resetting the client's stream with
   * {@code reset}, recorded as {@code resetGrpcStatus}. Then completes it.
   */
  private void fail(
      Call call,
      String proxyError,
      int grpcStatus,
      int httpStatus,
      Http2Error reset,
      int resetGrpcStatus) {
    if (call.done || closed) {
      return;
    }
    if (call.responseStarted) {
      client.writeAndFlush(new DefaultHttp2ResetFrame(reset).stream(call.clientStream));
      call.responseHeaders.put("grpc-status", Integer.toString(resetGrpcStatus));
    } else {
      Http2Headers h = new DefaultHttp2Headers().set(ProxyConnection.PREDICTION_ID, call.id);
      if (call.grpc) {
        h.status("200")
            .set("content-type", "application/grpc")
            .set("grpc-status", Integer.toString(grpcStatus))
            .set("grpc-message", "driftwatch sidecar: " + proxyError.replace('%', ' '));
        call.status = 200;
        call.responseHeaders.put("grpc-status", Integer.toString(grpcStatus));
        client.write(new DefaultHttp2HeadersFrame(h, true).stream(call.clientStream));
      } else {
        byte[] body =
            ("{\"error\":\"" + proxyError.replace('"', '\'') + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        h.status(Integer.toString(httpStatus)).set("content-type", "application/json");
        call.status = httpStatus;
        client.write(new DefaultHttp2HeadersFrame(h, false).stream(call.clientStream));
        client.write(
            new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true)
                .stream(call.clientStream));
      }
      call.responseStarted = true;
      if (!call.requestEnded) {
        // The answer is complete: tell the client to stop sending the request.
        client.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR).stream(call.clientStream));
      }
      client.flush();
    }
    complete(call, proxyError);
  }

  /** The finished call, with the bodies its tees kept, for the capture queue. */
  private static Exchange toExchange(Call call, long latency, String proxyError, boolean error) {
    BodyTee response = call.responseTee;
    return new Exchange(
        call.id,
        call.method,
        call.path,
        call.decision.parser(),
        call.startEpochMicros,
        latency,
        call.status,
        call.requestHeaders,
        call.responseHeaders,
        call.requestTee.take(),
        call.requestTee.truncated(),
        response == null ? new byte[0] : response.take(),
        response != null && response.truncated(),
        proxyError,
        error ? 1.0 : call.decision.weight());
  }

  /** The response ended (or the proxy answered): count it, capture it, forget it. */
  private void complete(Call call, String proxyError) {
    if (call.done) {
      return;
    }
    call.done = true;
    calls.remove(call.clientStream);
    noteIdle();
    Upstream u = call.via;
    if (u != null) {
      u.calls.remove(call);
      if (call.upstreamStream != null) {
        u.byStream.remove(call.upstreamStream);
      }
    }
    shared.inFlight().decrementAndGet();
    long latency = System.nanoTime() - call.startNanos;
    shared.observer().onExchange(call.status, latency);
    if (call.decision != null) {
      int grpcStatus = KServeV2GrpcParser.grpcStatus(call.responseHeaders);
      boolean error = call.status != 200 || grpcStatus != 0;
      if (call.decision.sampled() || error) {
        if (call.decision.shed()) {
          shared.route().tap().shed();
        } else {
          shared.route().tap().offer(toExchange(call, latency, proxyError, error));
        }
      }
    }
    if (u != null) {
      u.closeIfDrained();
    }
  }

  /** Starts the idle clock when the last call is gone. */
  private void noteIdle() {
    if (calls.isEmpty() && !closed) {
      idleSinceNanos = System.nanoTime();
      timer.checkBy(idleSinceNanos + shared.idleTimeout().toNanos());
    }
  }

  /**
   * Acts on whichever timeout has passed; returns the nanoseconds until the next check, or 0 when
   * the connection is closing.
   */
  private long checkTimeouts(long now) {
    long readTimeout = shared.upstreamReadTimeout().toNanos();
    if (calls.isEmpty()) {
      long left = shared.idleTimeout().toNanos() - (now - idleSinceNanos);
      if (left <= 0) {
        // Through the codec, which sends a GOAWAY first.
        client.close();
        return 0;
      }
      return left;
    }
    long next = readTimeout;
    List<Call> expired = null;
    for (Call call : calls.values()) {
      if (call.done || call.via == null || !call.via.connected) {
        // Not sent yet: the connect timeout is in charge.
        continue;
      }
      if (call.toClientUnwritten > 0) {
        // The client is slow to take the response: the model is not silent.
        call.lastActiveNanos = now;
      }
      long left = readTimeout - (now - call.lastActiveNanos);
      if (left <= 0) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(call);
      } else {
        next = Math.min(next, left);
      }
    }
    if (expired != null) {
      for (Call call : expired) {
        upstreamTimedOut(call);
      }
      if (calls.isEmpty()) {
        return closed ? 0 : Math.max(1, shared.idleTimeout().toNanos() - (now - idleSinceNanos));
      }
    }
    return closed ? 0 : next;
  }

  /** The model's stream of {@code call} sent nothing for {@code upstreamReadTimeout}. */
  private void upstreamTimedOut(Call call) {
    long ms = shared.upstreamReadTimeout().toMillis();
    shared.observer().onUpstreamError(ProxyObserver.TIMEOUT);
    UNREACHABLE_LOG.warn(
        "timeout-h2c",
        "sidecar: model server "
            + authority()
            + " (HTTP/2) sent nothing on a stream for "
            + ms
            + " ms, answering DEADLINE_EXCEEDED",
        null);
    Upstream u = call.via;
    Http2FrameStream upstreamStream = call.upstreamStream;
    String detail = "upstream: timed out after " + ms + " ms without a read";
    fail(
        call,
        call.responseStarted ? detail + " mid-response" : detail,
        GRPC_DEADLINE_EXCEEDED,
        504,
        Http2Error.CANCEL,
        GRPC_DEADLINE_EXCEEDED);
    if (u != null && upstreamStream != null && u.connected && u.channel.isActive()) {
      // A late answer has nowhere to go: stop the model's work on it.
      u.channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(upstreamStream));
    }
  }

  /** One upstream HTTP/2 connection; the handler behind its frame codec. */
  private final class Upstream extends Http2ChannelDuplexHandler {
    final Set<Call> calls = new LinkedHashSet<>();
    final Map<Http2FrameStream, Call> byStream = new IdentityHashMap<>();
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    Channel channel;
    boolean connected;

    /** Whether new calls go elsewhere: the model sent GOAWAY, or the connection ended. */
    boolean draining;

    void connected(ChannelFuture done) {
      if (closed) {
        releasePending();
        done.channel().close();
        return;
      }
      if (done.isSuccess()) {
        connected = true;
        growConnectionWindow(channel);
        Pending p;
        while ((p = pending.poll()) != null) {
          if (p.call().done) {
            ReferenceCountUtil.release(p.frame());
            returnWindow(client, p.call().clientStream, p.flowControlledBytes());
          } else {
            writeUpstream(p.call(), p.frame(), p.flowControlledBytes());
          }
        }
        channel.flush();
        return;
      }
      retire();
      releasePending();
      shared.observer().onUpstreamError(ProxyObserver.CONNECT_FAILED);
      UNREACHABLE_LOG.warn(
          "connect-h2c",
          "sidecar: model server " + authority() + " (HTTP/2) unreachable, answering UNAVAILABLE",
          done.cause());
      for (Call call : new ArrayList<>(calls)) {
        fail(call, "upstream: unreachable (" + describe(done.cause()) + ")");
      }
    }

    void releasePending() {
      Pending p;
      while ((p = pending.poll()) != null) {
        ReferenceCountUtil.release(p.frame());
      }
    }

    /** Sends new calls to a new connection from now on. */
    void retire() {
      draining = true;
      if (upstream == this) {
        upstream = null;
      }
    }

    void closeIfDrained() {
      if (draining && calls.isEmpty()) {
        upstreams.remove(this);
        channel.close();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2StreamFrame frame && frame.stream() != null) {
        Call call = byStream.get(frame.stream());
        if (closed || call == null || call.done) {
          if (msg instanceof Http2DataFrame data) {
            returnWindow(channel, data.stream(), data.initialFlowControlledBytes());
          }
          ReferenceCountUtil.release(msg);
          return;
        }
        call.lastActiveNanos = System.nanoTime();
        if (msg instanceof Http2HeadersFrame headers) {
          fromUpstream(call, headers);
        } else if (msg instanceof Http2DataFrame data) {
          fromUpstream(call, data);
        } else if (msg instanceof Http2ResetFrame reset) {
          upstreamReset(call, reset.errorCode());
        } else {
          ReferenceCountUtil.release(msg);
        }
        return;
      }
      if (msg instanceof Http2GoAwayFrame goAway) {
        goAway(goAway.lastStreamId());
      }
      ReferenceCountUtil.release(msg);
    }

    private void goAway(int lastStreamId) {
      retire();
      for (Call call : new ArrayList<>(calls)) {
        if (call.upstreamStream != null && call.upstreamStream.id() > lastStreamId) {
          // Not processed by the model: safe for the client to retry.
          shared.observer().onUpstreamError(ProxyObserver.CLOSED_BEFORE_RESPONSE);
          fail(call, "upstream: stream refused (GOAWAY)");
        }
      }
      closeIfDrained();
    }

    private void fromUpstream(Call call, Http2HeadersFrame frame) {
      Http2Headers h = frame.headers();
      if (!call.responseStarted) {
        int code = status(h.status());
        if (code >= 100 && code < 200) {
          client.write(new DefaultHttp2HeadersFrame(h, false).stream(call.clientStream));
          return;
        }
        call.responseStarted = true;
        call.status = code;
        h.set(ProxyConnection.PREDICTION_ID, call.id);
        if (call.decision != null && !call.decision.shed()) {
          pick(h, CAPTURED_RESPONSE_HEADERS, call.responseHeaders);
          call.responseTee = new BodyTee(shared.route().tap().maxCaptureBytes(), -1);
        }
      }
      if (call.decision != null) {
        // Shed calls too: grpc-status tells whether the call is an error, which would be captured.
        pick(h, CAPTURED_TRAILERS, call.responseHeaders);
      }
      client.write(new DefaultHttp2HeadersFrame(h, frame.isEndStream()).stream(call.clientStream));
      if (frame.isEndStream()) {
        complete(call, "");
      }
    }

    private void fromUpstream(Call call, Http2DataFrame frame) {
      int bytes = frame.initialFlowControlledBytes();
      if (call.responseTee != null) {
        call.responseTee.add(frame.content());
      }
      Http2FrameStream upstreamStream = call.upstreamStream;
      call.toClientUnwritten++;
      client
          .write(
              new DefaultHttp2DataFrame(frame.content(), frame.isEndStream())
                  .stream(call.clientStream))
          .addListener(
              f -> {
                call.toClientUnwritten--;
                call.lastActiveNanos = System.nanoTime();
                returnWindow(channel, upstreamStream, bytes);
              });
      if (frame.isEndStream()) {
        complete(call, "");
      }
    }

    private void upstreamReset(Call call, long errorCode) {
      shared
          .observer()
          .onUpstreamError(
              call.responseStarted
                  ? ProxyObserver.CLOSED_MID_RESPONSE
                  : ProxyObserver.CLOSED_BEFORE_RESPONSE);
      client.writeAndFlush(new DefaultHttp2ResetFrame(errorCode).stream(call.clientStream));
      Http2Error error = Http2Error.valueOf(errorCode);
      // What a gRPC client makes of the reset.
      int grpc =
          error == Http2Error.CANCEL
              ? GRPC_CANCELLED
              : error == Http2Error.REFUSED_STREAM ? GRPC_UNAVAILABLE : GRPC_INTERNAL;
      call.responseHeaders.put("grpc-status", Integer.toString(grpc));
      complete(call, "upstream: reset stream (" + (error == null ? errorCode : error.name()) + ")");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (client.isActive()) {
        client.flush();
      }
      ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      retire();
      upstreams.remove(this);
      releasePending();
      if (closed) {
        return;
      }
      for (Call call : new ArrayList<>(calls)) {
        if (!connected) {
          continue;
        }
        shared
            .observer()
            .onUpstreamError(
                call.responseStarted
                    ? ProxyObserver.CLOSED_MID_RESPONSE
                    : ProxyObserver.CLOSED_BEFORE_RESPONSE);
        fail(
            call,
            call.responseStarted
                ? "upstream: closed mid-response"
                : "upstream: closed before responding");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof Http2FrameStreamException e) {
        // The model broke the protocol on one stream; the codec reset it upstream.
        Call call = byStream.get(e.stream());
        if (call != null && !call.done) {
          shared.observer().onUpstreamError(ProxyObserver.BAD_RESPONSE);
          fail(call, "upstream: invalid response (" + describe(e.getCause()) + ")");
        }
        return;
      }
      LOG.debug("upstream HTTP/2 connection failed", cause);
      ctx.close();
    }
  }

  private static int status(CharSequence status) {
    if (status == null) {
      return 0;
    }
    try {
      return Integer.parseInt(status.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
