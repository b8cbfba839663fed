package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.capture.CaptureTap;
import io.driftwatch.sidecar.capture.Exchange;
import io.driftwatch.sidecar.capture.ThrottledLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and its upstream connection. Lives on one event loop (the upstream channel
 * is registered on the client's), so its state needs no locking.
 *
 * <p>Both connections speak bytes: an {@link Http1Decoder} on each splits what arrives into heads
 * and body slices, and the proxy writes the heads it forwards line by line from the received bytes
 * (hop-by-hop headers left out, its own added) and the bodies as they came, so a message is never
 * turned into objects and back.
 *
 * <p>Requests are forwarded in arrival order over one keep-alive upstream connection, taken from
 * the event loop's {@link UpstreamPool} (or opened) for the first request and given back when the
 * last exchange on it ends; their exchanges wait in a FIFO, and each upstream response belongs to
 * the FIFO's head, which keeps HTTP/1.1 pipelining in order. A connection the model closes, or one
 * that carried part of an exchange given up on, is never given back. Reading from one side stops
 * while the other side cannot take more (channel writability), so a slow client or model never
 * makes the proxy buffer without bound.
 *
 * <p>Timeouts, as nginx has them: a model silent for {@code upstreamReadTimeout} between two reads
 * while a response is due gets the client a 504 (or, once the response has begun, a closed
 * connection); a client that takes none of a response the proxy holds for it during {@code
 * clientSendTimeout} has both connections closed; a client that takes {@code clientReadTimeout} to
 * send its first request head is closed, one that stalls that long in a request body gets a 408; a
 * kept-alive connection without a request for {@code clientIdleTimeout} is closed. One timer per
 * connection checks them all.
 *
 * <p>Malformed requests are never forwarded: the client gets a 400 (414 for a request line too
 * long, 431 for headers too large) in its turn and the connection closes. Exchanges cut short are
 * still counted and captured: a client that leaves before its response began as 499, the status
 * nginx logs for it.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);
  private static final ThrottledLog UNREACHABLE_LOG = new ThrottledLog(LOG, 30, TimeUnit.SECONDS);

  static final String PREDICTION_ID = "x-prediction-id";
  private static final String TRACEPARENT = "traceparent";
  private static final String[] ID_HEADERS = {PREDICTION_ID, "x-request-id", "ce-id"};
  private static final String[] CAPTURED_REQUEST_HEADERS = {
    "content-type", "content-encoding", "traceparent", "inference-header-content-length"
  };
  private static final String[] CAPTURED_RESPONSE_HEADERS = {
    "content-type", "content-encoding", "inference-header-content-length"
  };
  private static final byte[] UNREACHABLE =
      "{\"error\":\"upstream unreachable\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UPSTREAM_CLOSED =
      "{\"error\":\"upstream closed the connection\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BAD_RESPONSE =
      "{\"error\":\"upstream sent an invalid response\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIMED_OUT =
      "{\"error\":\"upstream timed out\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BAD_REQUEST =
      "{\"error\":\"bad request\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BAD_BODY =
      "{\"error\":\"bad request body\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LINE_TOO_LONG =
      "{\"error\":\"request line too long\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEADERS_TOO_LARGE =
      "{\"error\":\"request headers too large\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY_TIMED_OUT =
      "{\"error\":\"request body timed out\"}".getBytes(StandardCharsets.US_ASCII);

  /** The status nginx logs for a client that closed its connection before the response began. */
  static final int CLIENT_CLOSED = 499;

  private static final String EVENT_STREAM = "text/event-stream";

  /** Pipelined requests beyond this many unanswered ones wait in the client's socket. */
  private static final int MAX_PIPELINED = 32;

  /** What every connection of one proxy shares. */
  record Shared(
      ProxyServer.Settings settings,
      CaptureTap tap,
      ProxyObserver observer,
      AtomicInteger inFlight,
      ExchangeTracer tracer,
      UpstreamPool pool,
      ChannelGroup connections) {}

  private final Shared shared;
  private final ArrayDeque<InFlight> exchanges = new ArrayDeque<>();
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private Channel client;
  private Channel upstream;
  private boolean upstreamConnected;
  private InFlight reading;
  private boolean closed;

  /** A malformed request waits in the FIFO for its 400; nothing more is read. */
  private boolean refusing;

  /** How exchanges still open when the connection closes are recorded; null: the client left. */
  private String closeReason;

  private int closeStatus;
  private boolean servedAny;
  private long idleSinceNanos;
  private long lastClientReadNanos;
  private long lastUpstreamReadNanos;

  /**
   * While the client cannot take more (channel not writable): when that began or the client last
   * took some of what waits for it, and how many bytes waited at the last look; -1 otherwise.
   */
  private long sendStalledSinceNanos;

  private long pendingAtLastLook = -1;
  private final ConnectionTimer timer = new ConnectionTimer(() -> !closed, this::checkTimeouts);

  ProxyConnection(Shared shared) {
    this.shared = shared;
  }

  /** The response body goes as received. */
  private static final int PASS = 0;

  /** A chunked body to an HTTP/1.0 client: its content alone, ended by the connection's close. */
  private static final int DECHUNK = 1;

  /** A body that ends with the model's connection, to an HTTP/1.1 client: chunked by the proxy. */
  private static final int CHUNK = 2;

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
  private static final byte[] HTTP_11 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);

  /** The state of one exchange, from request head to response end. */
  private static final class InFlight {
    final String id;
    final String method;
    final String path;
    final boolean clientHttp10;
    final boolean headRequest;
    final long startNanos;
    final long startEpochMicros;
    long requestCompleteNanos;
    final CaptureTap.Decision decision;
    final Map<String, String> requestHeaders;
    final BodyTee requestTee;
    boolean clientKeepAlive;
    boolean requestComplete;
    boolean responseStarted;
    boolean interim;
    boolean upstreamKeepAlive = true;

    /**
     * How the response body goes to the client: {@link #PASS}, {@link #DECHUNK}, {@link #CHUNK}.
     */
    int bodyMode;

    int status;
    Map<String, String> responseHeaders = Map.of();
    BodyTee responseTee;
    StreamTap stream;
    Channel sentOn;
    ExchangeTracer.ExchangeSpan span;

    /** The traceparent the tracer gave the request, to forward instead of the client's; or null. */
    String traceparent;

    /** The request head for the model, not yet written: it waits for the body's first bytes. */
    ByteBuf heldHead;

    /** The response head for the client, not yet written: it waits for the body's first bytes. */
    ByteBuf heldResponseHead;

    /** Set when the proxy must answer this exchange itself: the body to send. */
    byte[] failureBody;

    String failureDetail;

    InFlight(
        String id,
        String method,
        String path,
        boolean clientHttp10,
        boolean clientKeepAlive,
        CaptureTap.Decision decision,
        Map<String, String> requestHeaders,
        BodyTee requestTee) {
      this.id = id;
      this.method = method;
      this.path = path;
      this.clientHttp10 = clientHttp10;
      this.headRequest = "HEAD".equals(method);
      this.clientKeepAlive = clientKeepAlive;
      this.decision = decision;
      this.requestHeaders = requestHeaders;
      this.requestTee = requestTee;
      this.startNanos = System.nanoTime();
      Instant now = Instant.now();
      this.startEpochMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx.channel());
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx.channel());
    ctx.fireChannelActive();
  }

  private void start(Channel ch) {
    if (client != null) {
      return;
    }
    client = ch;
    timer.start(ch.eventLoop());
    idleSinceNanos = System.nanoTime();
    timer.checkBy(idleSinceNanos + shared.settings().clientReadTimeout().toNanos());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closed || refusing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    long now = System.nanoTime();
    lastClientReadNanos = now;
    if (msg instanceof Http1Error error) {
      LOG.debug("refused a request: {}", error.detail());
      if (error.inBody() && reading != null) {
        refuseBody(reading);
      } else {
        refuse(error);
      }
      return;
    }
    if (msg instanceof Http1Head request) {
      servedAny = true;
      reading = begin(request);
      exchanges.add(reading);
      shared.inFlight().incrementAndGet();
      updateAutoRead();
      timer.checkBy(now + shared.settings().clientReadTimeout().toNanos());
      // Held until its body's first bytes (or the end of this read): a small request goes to the
      // model in one buffer, as it came.
      reading.heldHead = upstreamHead(request, reading);
      return;
    }
    InFlight ex = reading;
    if (ex == null || !(msg instanceof Http1Body body)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf content = body.content();
    if (ex.requestTee != null && body.payload) {
      ex.requestTee.add(content);
    }
    boolean last = body.last;
    if (ex.heldHead != null) {
      content = sendHeldHead(ex, content);
    }
    if (content != null) {
      forward(ex, content);
    }
    if (last) {
      ex.requestComplete = true;
      ex.requestCompleteNanos = now;
      reading = null;
      timer.checkBy(now + shared.settings().upstreamReadTimeout().toNanos());
      answerFailures();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (reading != null && reading.heldHead != null) {
      // The body comes later (or waits for a 100 Continue): the head goes now.
      sendHeldHead(reading, null);
    }
    if (upstream != null && upstreamConnected) {
      upstream.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      pendingAtLastLook = -1;
    } else if (pendingAtLastLook < 0 && !closed) {
      sendStalledSinceNanos = System.nanoTime();
      pendingAtLastLook = pendingToClient();
      timer.checkBy(sendStalledSinceNanos + shared.settings().clientSendTimeout().toNanos());
    }
    updateAutoRead();
    ctx.fireChannelWritabilityChanged();
  }

  /** Bytes written to the client channel that the socket has not taken yet. */
  private long pendingToClient() {
    ChannelOutboundBuffer out = client.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    timer.cancel();
    releasePending();
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
    for (InFlight ex : List.copyOf(exchanges)) {
      abandon(ex);
    }
    reading = null;
    ctx.fireChannelInactive();
  }

  /** Counts and captures an exchange the connection closed on. */
  private void abandon(InFlight ex) {
    if (closeReason == null && client.parent() != null && !client.parent().isOpen()) {
      // The listening socket closed first: the proxy is stopping and its drain time is over.
      closeReason = "proxy: stopped before the response ended";
      closeStatus = HttpResponseStatus.SERVICE_UNAVAILABLE.code();
    }
    String detail = closeReason;
    if (detail == null) {
      detail =
          "client: closed the connection "
              + (!ex.requestComplete
                  ? "mid-request"
                  : ex.responseStarted ? "mid-response" : "before the response");
    }
    if (!ex.responseStarted) {
      ex.status = closeReason == null ? CLIENT_CLOSED : closeStatus;
    }
    complete(ex, detail);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("client connection failed", cause);
    ctx.close();
  }

  private InFlight begin(Http1Head request) {
    String id = predictionId(request::get);
    String uri = request.target;
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    String method = request.method;
    // Before the headers are captured: the record's trace id is then the span's trace id.
    ExchangeTracer.ExchangeSpan span = null;
    String traceparent = null;
    if (shared.tracer() != ExchangeTracer.OFF) {
      HttpRequest view = tracerView(request);
      span = shared.tracer().start(view, path, id);
      String given = view.headers().get(TRACEPARENT);
      if (given != null && !given.equals(request.get(TRACEPARENT))) {
        traceparent = given;
      }
    }
    CaptureTap.Decision decision = shared.tap().decide(method, path, id);
    Map<String, String> captured = Map.of();
    BodyTee tee = null;
    if (decision != null && !decision.shed()) {
      captured = pick(request, CAPTURED_REQUEST_HEADERS);
      if (traceparent != null) {
        captured.put(TRACEPARENT, traceparent);
      }
      tee =
          new BodyTee(
              shared.tap().maxCaptureBytes(), request.chunked ? -1L : request.contentLength);
    }
    InFlight ex =
        new InFlight(id, method, path, request.http10, request.keepAlive, decision, captured, tee);
    ex.span = span;
    ex.traceparent = traceparent;
    return ex;
  }

  /**
   * The request head for the model server: HTTP/1.1 whatever the client spoke, so the connection
   * stays open; hop-by-hop headers left out; a Host where the client (HTTP/1.0) sent none; the
   * tracer's traceparent instead of the client's. Untouched when nothing of that applies.
   */
  private ByteBuf upstreamHead(Http1Head request, InFlight ex) {
    boolean host = request.contains("host");
    ByteBuf out =
        client.alloc().directBuffer(request.length() + (host ? 0 : 64) + 80 + inlineBody(request));
    if (!request.http10 && !request.hasHopByHop && host && ex.traceparent == null) {
      request.writeTo(out);
      return out;
    }
    if (request.http10) {
      request.writeRequestLineAs11(out);
    } else {
      request.writeStartLine(out);
    }
    for (int i = 0; i < request.size(); i++) {
      if (!request.isHopByHop(i) && !(ex.traceparent != null && request.nameIs(i, TRACEPARENT))) {
        request.writeHeaderLine(out, i);
      }
    }
    if (ex.traceparent != null) {
      writeHeader(out, TRACEPARENT, ex.traceparent);
    }
    if (!host) {
      writeHeader(out, "host", shared.settings().upstreamAuthority());
    }
    out.writeBytes(CRLF);
    return out;
  }

  /**
   * Forwards the held request head, with {@code content} (the body's first bytes) copied into it
   * when they fit, and tells the model connection's decoder a response is due. Returns what is left
   * of {@code content} to forward: itself, or null when it went with the head.
   */
  private ByteBuf sendHeldHead(InFlight ex, ByteBuf content) {
    ByteBuf head = ex.heldHead;
    ex.heldHead = null;
    if (content != null && content.readableBytes() <= head.writableBytes()) {
      head.writeBytes(content);
      content.release();
      content = null;
    }
    forward(ex, head);
    if (ex.sentOn != null) {
      Http1Decoder responses = ex.sentOn.pipeline().get(Http1Decoder.class);
      if (responses != null) {
        responses.expectResponse(ex.headRequest);
      }
    }
    return content;
  }

  /** The Connection header the client needs: close, keep-alive for HTTP/1.0, or none. */
  private static void writeConnection(ByteBuf out, InFlight ex) {
    if (!ex.clientKeepAlive) {
      writeHeader(out, "connection", "close");
    } else if (ex.clientHttp10) {
      writeHeader(out, "connection", "keep-alive");
    }
  }

  private static void writeHeader(ByteBuf out, String name, String value) {
    out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
    out.writeByte(':');
    out.writeByte(' ');
    out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
  }

  /** Bodies up to this size go out in the head's buffer. */
  private static final int INLINE_BODY = 8192;

  /** Room for the body in the head's buffer: its length when declared and small, else none. */
  private static int inlineBody(Http1Head head) {
    return !head.chunked && head.contentLength > 0 && head.contentLength <= INLINE_BODY
        ? (int) head.contentLength
        : 0;
  }

  /** The request as Netty's type, for the tracer (only when tracing is on). */
  private static HttpRequest tracerView(Http1Head request) {
    DefaultHttpRequest view =
        new DefaultHttpRequest(
            request.http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(request.method),
            request.target,
            DefaultHttpHeadersFactory.headersFactory().withValidation(false));
    for (int i = 0; i < request.size(); i++) {
      view.headers().add(request.name(i), request.value(i));
    }
    return view;
  }

  /** The id from the first usable id header, else a new one ({@link PredictionIds}). */
  static String predictionId(Function<String, ? extends CharSequence> header) {
    for (String name : ID_HEADERS) {
      CharSequence value = header.apply(name);
      if (value != null) {
        String id = value.toString().trim();
        if (isUsableId(id)) {
          return id;
        }
      }
    }
    return PredictionIds.next();
  }

  private static boolean isUsableId(String id) {
    if (id.isEmpty() || id.length() > 256) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> pick(Http1Head head, String[] names) {
    Map<String, String> out = new HashMap<>(8);
    for (String name : names) {
      String value = head.get(name);
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }

  private void forward(InFlight ex, Object msg) {
    if (ex.failureBody != null || (ex.sentOn != null && ex.sentOn != upstream)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (upstream == null) {
      Channel idle = shared.pool().take(lastClientReadNanos);
      if (idle != null) {
        lease(idle);
      } else {
        connect();
      }
    }
    ex.sentOn = upstream;
    if (!upstreamConnected) {
      pending.add(msg);
      return;
    }
    upstream.write(msg, upstream.voidPromise());
  }

  private void connect() {
    Bootstrap b =
        new Bootstrap()
            .group(client.eventLoop())
            .channel(client.getClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, shared.settings().connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    shared.connections().add(ch);
                    ch.pipeline()
                        .addLast(
                            new Http1Decoder(false),
                            new UpstreamLink(shared.pool(), ProxyConnection.this));
                  }
                });
    ChannelFuture f = b.connect(shared.settings().upstreamHost(), shared.settings().upstreamPort());
    Channel ch = f.channel();
    upstream = ch;
    upstreamConnected = false;
    updateAutoRead();
    f.addListener((ChannelFutureListener) done -> connected(ch, done));
  }

  private void connected(Channel ch, ChannelFuture done) {
    if (closed || ch != upstream) {
      ch.close();
      return;
    }
    if (done.isSuccess()) {
      upstreamConnected = true;
      Object msg;
      while ((msg = pending.poll()) != null) {
        ch.write(msg, ch.voidPromise());
      }
      ch.flush();
      updateAutoRead();
      return;
    }
    upstream = null;
    releasePending();
    shared.observer().onUpstreamError(ProxyObserver.CONNECT_FAILED);
    UNREACHABLE_LOG.warn(
        "connect",
        "sidecar: model server "
            + shared.settings().upstreamAuthority()
            + " unreachable, answering 502",
        done.cause());
    for (InFlight ex : exchanges) {
      if (ex.sentOn == ch && !ex.responseStarted) {
        fail(ex, UNREACHABLE, "upstream: unreachable (" + describe(done.cause()) + ")");
      }
    }
    updateAutoRead();
    answerFailures();
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown";
    }
    String m = cause.getMessage();
    String text = cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return text.length() <= 200 ? text : text.substring(0, 200);
  }

  private static void fail(InFlight ex, byte[] body, String detail) {
    ex.status = HttpResponseStatus.BAD_GATEWAY.code();
    ex.failureBody = body;
    ex.failureDetail = detail;
  }

  /** Answers, in order, the exchanges at the head of the FIFO that the proxy must answer itself. */
  private void answerFailures() {
    while (!closed && !exchanges.isEmpty()) {
      InFlight head = exchanges.peek();
      if (head.failureBody == null || !head.requestComplete) {
        return;
      }
      ChannelFuture written = writeOwnResponse(head, head.status, head.failureBody);
      complete(head, head.failureDetail);
      if (!head.clientKeepAlive) {
        closeAfter(written);
      }
    }
  }

  private ChannelFuture writeOwnResponse(InFlight ex, int status, byte[] body) {
    ByteBuf out = client.alloc().directBuffer(192 + ex.id.length() + body.length);
    out.writeBytes(HTTP_11);
    out.writeByte(' ');
    out.writeCharSequence(
        status + " " + HttpResponseStatus.valueOf(status).reasonPhrase(),
        StandardCharsets.US_ASCII);
    out.writeBytes(CRLF);
    writeHeader(out, "content-type", "application/json");
    writeHeader(out, "content-length", Integer.toString(body.length));
    writeHeader(out, PREDICTION_ID, ex.id);
    writeConnection(out, ex);
    out.writeBytes(CRLF);
    out.writeBytes(body);
    ex.status = status;
    ex.responseStarted = true;
    return client.writeAndFlush(out);
  }

  /**
   * A request head the decoder refused (garbage, bad framing, too long): it is never forwarded. Its
   * 400, 414 or 431 waits behind the exchanges pipelined before it, then the connection closes;
   * nothing more is read from the client.
   */
  private void refuse(Http1Error error) {
    byte[] body = BAD_REQUEST;
    HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    if (error.fault() == Http1Head.Fault.LINE_TOO_LONG) {
      body = LINE_TOO_LONG;
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
    } else if (error.fault() == Http1Head.Fault.HEADERS_TOO_LARGE) {
      body = HEADERS_TOO_LARGE;
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    InFlight ex = new InFlight(PredictionIds.next(), "", "", false, false, null, Map.of(), null);
    fail(ex, body, "client: " + status.reasonPhrase().toLowerCase(Locale.ROOT));
    ex.status = status.code();
    ex.requestComplete = true;
    refusing = true;
    reading = null;
    exchanges.add(ex);
    shared.inFlight().incrementAndGet();
    updateAutoRead();
    answerFailures();
  }

  /** A request body the decoder refused (a bad chunk): answered 400 if nothing was yet. */
  private void refuseBody(InFlight ex) {
    refusing = true;
    if (ex != exchanges.peek() || ex.responseStarted) {
      closeAll(HttpResponseStatus.BAD_REQUEST.code(), "client: invalid request body");
      return;
    }
    // The model got part of a request: that connection cannot carry another one.
    dropUpstream();
    ex.requestComplete = true;
    ex.clientKeepAlive = false;
    reading = null;
    ChannelFuture written = writeOwnResponse(ex, HttpResponseStatus.BAD_REQUEST.code(), BAD_BODY);
    complete(ex, "client: invalid request body");
    closeAfter(written);
  }

  /** A response's last content went to the client: count it, capture it, forget it. */
  private void complete(InFlight ex, String proxyError) {
    if (ex.heldHead != null) {
      ex.heldHead.release();
      ex.heldHead = null;
    }
    if (ex.heldResponseHead != null) {
      ex.heldResponseHead.release();
      ex.heldResponseHead = null;
    }
    exchanges.remove(ex);
    shared.inFlight().decrementAndGet();
    long now = System.nanoTime();
    long latency = now - ex.startNanos;
    shared.observer().onExchange(ex.status, latency);
    if (ex.span != null) {
      ex.span.end(ex.status, proxyError, ex.decision);
    }
    if (ex.decision != null && ex.decision.captures(ex.status)) {
      if (ex.decision.shed()) {
        shared.tap().shed();
      } else {
        shared.tap().offer(toExchange(ex, latency, proxyError));
      }
    }
    if (exchanges.isEmpty() && !closed) {
      idleSinceNanos = now;
      timer.checkBy(idleSinceNanos + shared.settings().clientIdleTimeout().toNanos());
    }
    updateAutoRead();
  }

  private void fromUpstream(Channel ch, Object msg) {
    lastUpstreamReadNanos = System.nanoTime();
    InFlight ex = exchanges.peek();
    if (closed || ex == null || ex.sentOn != ch || ex.failureBody != null) {
      ReferenceCountUtil.release(msg);
      if (!closed) {
        shared.observer().onUpstreamError(ProxyObserver.BAD_RESPONSE);
      }
      ch.close();
      return;
    }
    if (msg instanceof Http1Error error) {
      shared.observer().onUpstreamError(ProxyObserver.BAD_RESPONSE);
      if (error.inBody()) {
        complete(ex, "upstream: invalid response body");
        closeAll(HttpResponseStatus.BAD_GATEWAY.code(), "upstream: invalid response body");
        return;
      }
      if (!ex.responseStarted) {
        ex.clientKeepAlive = false;
        closeReason = "upstream: invalid response to an earlier request";
        closeStatus = HttpResponseStatus.BAD_GATEWAY.code();
        closeAfter(writeOwnResponse(ex, closeStatus, BAD_RESPONSE));
        complete(ex, "upstream: invalid response");
      } else {
        complete(ex, "upstream: invalid response");
        closeAll(HttpResponseStatus.BAD_GATEWAY.code(), "upstream: invalid response");
      }
      ch.close();
      return;
    }
    if (msg instanceof Http1Head response) {
      int code = response.status;
      if (code < 200 && code != 101) {
        ex.interim = true;
        if (!ex.clientHttp10) {
          // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
          client.write(clientHead(ex, response, PASS), client.voidPromise());
        }
      } else {
        // Held until the body's first bytes (or the end of this read), as the request's head.
        ex.heldResponseHead = beginResponse(ex, response);
      }
      return;
    }
    if (!(msg instanceof Http1Body body)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    boolean last = body.last;
    if (ex.interim) {
      // The end of an interim response, which has no body.
      ex.interim = !last;
      body.release();
      return;
    }
    ByteBuf content = body.content();
    if (ex.responseTee != null && body.payload) {
      ex.responseTee.add(content);
      if (ex.stream != null) {
        ex.stream.add(content, System.nanoTime() - ex.startNanos);
      }
    }
    if (!last) {
      toClient(ex, body);
      return;
    }
    // Flushed now, not when the read ends: the bookkeeping of complete() (metrics, the span,
    // handing the exchange to capture) then runs after the client has its response.
    ChannelFuture written = toClient(ex, body);
    complete(ex, "");
    if (!ex.upstreamKeepAlive) {
      // Requests already pipelined on it are answered by upstreamClosed.
      if (upstream == ch) {
        upstream = null;
        upstreamConnected = false;
      }
      ch.close();
    } else if (upstream == ch && (reading == null || reading.sentOn != ch) && !carries(ch)) {
      // reading is checked apart: after an early response its exchange has left the FIFO
      // while the rest of its body still goes over ch.
      release(ch);
    }
    if (!ex.clientKeepAlive) {
      closeAfter(written);
    }
    // A malformed request pipelined behind this one gets its answer now.
    answerFailures();
  }

  /**
   * Writes a run of the response body to the client, framed as the exchange's body mode says; the
   * last run is flushed and its write returned, others go with the read's flush (null).
   */
  private ChannelFuture toClient(InFlight ex, Http1Body body) {
    ByteBuf content = body.content();
    ByteBuf head = ex.heldResponseHead;
    if (head != null) {
      ex.heldResponseHead = null;
      if (ex.bodyMode == PASS && content.readableBytes() <= head.writableBytes()) {
        head.writeBytes(content);
        content.release();
        content = head;
      } else {
        client.write(head, client.voidPromise());
      }
    }
    if (ex.bodyMode == DECHUNK && !body.payload) {
      content.release();
      content = Unpooled.EMPTY_BUFFER;
    } else if (ex.bodyMode == CHUNK && content.isReadable()) {
      ByteBuf size = client.alloc().directBuffer(18);
      size.writeCharSequence(
          Integer.toHexString(content.readableBytes()), StandardCharsets.US_ASCII);
      size.writeBytes(CRLF);
      client.write(size, client.voidPromise());
      client.write(content, client.voidPromise());
      content = Unpooled.wrappedBuffer(CRLF);
    }
    if (!body.last) {
      writeIfAny(content);
      return null;
    }
    if (ex.bodyMode == CHUNK) {
      writeIfAny(content);
      content = Unpooled.wrappedBuffer(LAST_CHUNK);
    }
    return client.writeAndFlush(content);
  }

  /** Writes {@code content} to the client unless it is empty (then only releases it). */
  private void writeIfAny(ByteBuf content) {
    if (content.isReadable()) {
      client.write(content, client.voidPromise());
    } else {
      content.release();
    }
  }

  /** A response head still held at the end of a read goes out: its body comes later. */
  private void sendHeldResponseHead() {
    InFlight ex = exchanges.peek();
    if (ex != null && ex.heldResponseHead != null) {
      client.write(ex.heldResponseHead, client.voidPromise());
      ex.heldResponseHead = null;
    }
  }

  /** The finished exchange, with the bodies its tees kept, for the capture queue. */
  private static Exchange toExchange(InFlight ex, long latency, String proxyError) {
    BodyTee response = ex.responseTee;
    return new Exchange(
        ex.id,
        ex.method,
        ex.path,
        ex.decision.parser(),
        ex.startEpochMicros,
        latency,
        ex.status,
        ex.requestHeaders,
        ex.responseHeaders,
        ex.requestTee.take(),
        ex.requestTee.truncated(),
        response == null ? new byte[0] : response.take(),
        response != null && response.truncated(),
        proxyError,
        ex.decision.weightFor(ex.status),
        ex.stream == null ? null : ex.stream.take());
  }

  /** Notes the final response's start and returns its head for the client. */
  private ByteBuf beginResponse(InFlight ex, Http1Head response) {
    int code = response.status;
    ex.responseStarted = true;
    ex.status = code;
    if (ex.decision != null && !ex.decision.shed() && ex.decision.captures(code)) {
      ex.responseHeaders = pick(response, CAPTURED_RESPONSE_HEADERS);
      ex.responseTee =
          new BodyTee(
              shared.tap().maxCaptureBytes(), response.chunked ? -1L : response.contentLength);
      String type = ex.responseHeaders.get("content-type");
      if (type != null && type.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length())) {
        // Server-sent events (an LLM streaming tokens): note read times and the stream's tail.
        ex.stream = new StreamTap(shared.tap().maxCaptureBytes());
      }
    }
    // After 101 the connection no longer speaks HTTP: it is never given back.
    ex.upstreamKeepAlive = response.keepAlive && code != 101;
    boolean untilClose = response.framing == Http1Head.Framing.UNTIL_CLOSE;
    int mode = PASS;
    if (ex.clientHttp10) {
      // HTTP/1.0 has no chunked coding: such a body ends when the connection does.
      if (response.framing == Http1Head.Framing.CHUNKED) {
        mode = DECHUNK;
      }
      if (response.chunked || untilClose) {
        ex.clientKeepAlive = false;
      }
    } else if (untilClose) {
      mode = CHUNK;
    }
    ex.bodyMode = mode;
    return clientHead(ex, response, mode);
  }

  /**
   * A response head for the client: HTTP/1.1, hop-by-hop headers left out, the prediction id added,
   * Transfer-Encoding as the body mode needs, and Connection as the client's connection goes on.
   */
  private ByteBuf clientHead(InFlight ex, Http1Head response, int mode) {
    ByteBuf out =
        client
            .alloc()
            .directBuffer(
                response.length()
                    + ex.id.length()
                    + 80
                    + (mode == PASS ? inlineBody(response) : 0));
    out.writeBytes(HTTP_11);
    response.writeStatusAndReason(out);
    boolean interim = response.status < 200 && response.status != 101;
    for (int i = 0; i < response.size(); i++) {
      if (response.isHopByHop(i)
          || response.nameIs(i, PREDICTION_ID)
          || (mode != PASS || ex.clientHttp10) && response.nameIs(i, "transfer-encoding")
          || mode == CHUNK && response.nameIs(i, "content-length")) {
        continue;
      }
      response.writeHeaderLine(out, i);
    }
    if (!interim) {
      writeHeader(out, PREDICTION_ID, ex.id);
      if (mode == CHUNK) {
        writeHeader(out, "transfer-encoding", "chunked");
      }
      writeConnection(out, ex);
    }
    out.writeBytes(CRLF);
    return out;
  }

  private void upstreamClosed(Channel ch) {
    if (ch == upstream) {
      upstream = null;
      upstreamConnected = false;
    }
    if (closed) {
      return;
    }
    InFlight head = null;
    for (InFlight ex : exchanges) {
      if (ex.sentOn == ch && ex.failureBody == null) {
        head = ex;
        break;
      }
    }
    if (head == null) {
      // An idle connection closed; the next request opens a new one.
      updateAutoRead();
      return;
    }
    if (head.responseStarted) {
      shared.observer().onUpstreamError(ProxyObserver.CLOSED_MID_RESPONSE);
      complete(head, "upstream: closed mid-response");
      closeAll(HttpResponseStatus.BAD_GATEWAY.code(), "upstream: closed mid-response");
      return;
    }
    shared.observer().onUpstreamError(ProxyObserver.CLOSED_BEFORE_RESPONSE);
    closeReason = "upstream: closed before responding";
    closeStatus = HttpResponseStatus.BAD_GATEWAY.code();
    if (head != exchanges.peek()) {
      closeAll(closeStatus, closeReason);
      return;
    }
    head.clientKeepAlive = false;
    ChannelFuture written = writeOwnResponse(head, closeStatus, UPSTREAM_CLOSED);
    complete(head, closeReason);
    closeAfter(written);
  }

  private void closeAfter(ChannelFuture written) {
    closed = true;
    releasePending();
    written.addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Closes both connections now; exchanges still open are recorded with {@code detail}, and with
   * {@code status} unless their response had begun.
   */
  private void closeAll(int status, String detail) {
    closeReason = detail;
    closeStatus = status;
    closed = true;
    releasePending();
    if (upstream != null) {
      upstream.close();
    }
    client.close();
  }

  /** Forgets the upstream connection and closes it: it carried part of an exchange given up on. */
  private void dropUpstream() {
    Channel ch = upstream;
    upstream = null;
    upstreamConnected = false;
    releasePending();
    if (ch != null) {
      ch.close();
    }
  }

  /**
   * Acts on whichever timeout has passed; returns the nanoseconds until the next check, or 0 when
   * the connection is closing.
   */
  private long checkTimeouts(long now) {
    ProxyServer.Settings s = shared.settings();
    long next = Math.min(s.clientReadTimeout().toNanos(), s.upstreamReadTimeout().toNanos());
    if (pendingAtLastLook >= 0 && !client.isWritable()) {
      // The model is not read while the client takes nothing: only this timeout ends that.
      long pending = pendingToClient();
      if (pending < pendingAtLastLook) {
        sendStalledSinceNanos = now;
      }
      pendingAtLastLook = pending;
      long left = s.clientSendTimeout().toNanos() - (now - sendStalledSinceNanos);
      if (left <= 0) {
        closeAll(
            HttpResponseStatus.REQUEST_TIMEOUT.code(),
            "client: took none of the response for " + s.clientSendTimeout().toMillis() + " ms");
        return 0;
      }
      next = Math.min(next, left);
    }
    InFlight head = exchanges.peek();
    if (head != null
        && head.requestComplete
        && head.failureBody == null
        && upstream != null
        && upstreamConnected
        && head.sentOn == upstream) {
      if (!upstream.config().isAutoRead()) {
        // Not reading because the client is slow to take the response: the model is not silent.
        lastUpstreamReadNanos = now;
      }
      long left =
          s.upstreamReadTimeout().toNanos()
              - (now - Math.max(lastUpstreamReadNanos, head.requestCompleteNanos));
      if (left <= 0) {
        upstreamTimedOut(head);
        return closed ? 0 : next;
      }
      next = Math.min(next, left);
    }
    if (reading != null) {
      if (!client.config().isAutoRead()) {
        // Not reading because upstream cannot take more: the client is not silent.
        lastClientReadNanos = now;
      }
      long left = s.clientReadTimeout().toNanos() - (now - lastClientReadNanos);
      if (left <= 0) {
        clientTimedOut(reading);
        return 0;
      }
      next = Math.min(next, left);
    } else if (exchanges.isEmpty()) {
      // Before the first request nginx allows client_header_timeout, between two keepalive_timeout.
      long limit = (servedAny ? s.clientIdleTimeout() : s.clientReadTimeout()).toNanos();
      long left = limit - (now - idleSinceNanos);
      if (left <= 0) {
        closed = true;
        client.close();
        return 0;
      }
      next = Math.min(next, left);
    }
    return next;
  }

  /**
   * The model sent nothing for {@code upstreamReadTimeout} while {@code head}'s response was due.
   */
  private void upstreamTimedOut(InFlight head) {
    shared.observer().onUpstreamError(ProxyObserver.TIMEOUT);
    String detail =
        "upstream: timed out after "
            + shared.settings().upstreamReadTimeout().toMillis()
            + " ms without a read";
    UNREACHABLE_LOG.warn(
        "timeout",
        "sidecar: model server "
            + shared.settings().upstreamAuthority()
            + " sent nothing for "
            + shared.settings().upstreamReadTimeout().toMillis()
            + " ms, answering 504",
        null);
    if (head.responseStarted) {
      complete(head, detail + " mid-response");
      closeAll(HttpResponseStatus.GATEWAY_TIMEOUT.code(), detail);
      return;
    }
    int status = HttpResponseStatus.GATEWAY_TIMEOUT.code();
    if (exchanges.size() > 1) {
      // Those behind it went over the same connection, which must go: they cannot be answered.
      head.clientKeepAlive = false;
      closeReason = "upstream: timed out on an earlier request";
      closeStatus = status;
    }
    // A late answer must not be taken for the next request's: the connection goes.
    dropUpstream();
    ChannelFuture written = writeOwnResponse(head, status, TIMED_OUT);
    complete(head, detail);
    if (!head.clientKeepAlive) {
      closeAfter(written);
    }
  }

  /** The client stalled for {@code clientReadTimeout} in the body of {@code ex}. */
  private void clientTimedOut(InFlight ex) {
    String detail =
        "client: request body timed out after "
            + shared.settings().clientReadTimeout().toMillis()
            + " ms without a read";
    refusing = true;
    if (ex != exchanges.peek() || ex.responseStarted) {
      closeAll(HttpResponseStatus.REQUEST_TIMEOUT.code(), detail);
      return;
    }
    dropUpstream();
    ex.requestComplete = true;
    ex.clientKeepAlive = false;
    reading = null;
    ChannelFuture written =
        writeOwnResponse(ex, HttpResponseStatus.REQUEST_TIMEOUT.code(), BODY_TIMED_OUT);
    complete(ex, detail);
    closeAfter(written);
  }

  private void releasePending() {
    Object msg;
    while ((msg = pending.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Reads from the client only while upstream is connected and can take more, and fewer than {@link
   * #MAX_PIPELINED} exchanges wait; reads from upstream only while the client can take more.
   */
  private void updateAutoRead() {
    if (client == null) {
      return;
    }
    boolean upstreamReady = upstream == null || (upstreamConnected && upstream.isWritable());
    setAutoRead(client, !closed && !refusing && upstreamReady && exchanges.size() < MAX_PIPELINED);
    if (upstream != null && upstreamConnected) {
      setAutoRead(upstream, client.isWritable());
    }
  }

  /**
   * Netty's setter swaps the flag atomically even when it does not change; this runs several times
   * an exchange, and the flag rarely changes.
   */
  private static void setAutoRead(Channel ch, boolean autoRead) {
    if (ch.config().isAutoRead() != autoRead) {
      ch.config().setAutoRead(autoRead);
    }
  }

  /** Takes an idle upstream connection from the pool for this client connection's exchanges. */
  private void lease(Channel ch) {
    ch.pipeline().get(UpstreamLink.class).owner = this;
    upstream = ch;
    upstreamConnected = true;
    updateAutoRead();
  }

  /**
   * Gives the upstream connection back to the pool: its last exchange ended, nothing more of this
   * client's goes over it, and the model keeps it open. The response's end went to the client, and
   * was flushed, just before.
   */
  private void release(Channel ch) {
    upstream = null;
    upstreamConnected = false;
    ch.pipeline().get(UpstreamLink.class).owner = null;
    setAutoRead(ch, true);
    shared.pool().give(ch, lastUpstreamReadNanos);
    updateAutoRead();
  }

  /** Whether an exchange still waiting for its response went over {@code ch}. */
  private boolean carries(Channel ch) {
    for (InFlight ex : exchanges) {
      if (ex.sentOn == ch) {
        return true;
      }
    }
    return false;
  }

  /**
   * The handler on an upstream connection: hands everything to the client connection that leases
   * it. While the connection waits in the pool, anything the model sends on it is out of turn and
   * closes it, and its close takes it out of the pool.
   */
  private static final class UpstreamLink extends ChannelInboundHandlerAdapter {
    private final UpstreamPool pool;
    ProxyConnection owner;

    UpstreamLink(UpstreamPool pool, ProxyConnection owner) {
      this.pool = pool;
      this.owner = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (owner == null) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      owner.fromUpstream(ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (owner != null && owner.client.isActive()) {
        owner.sendHeldResponseHead();
        owner.client.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (owner != null) {
        owner.updateAutoRead();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (owner == null) {
        pool.forget(ctx.channel());
        return;
      }
      owner.upstreamClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("upstream connection failed", cause);
      ctx.close();
    }
  }
}
