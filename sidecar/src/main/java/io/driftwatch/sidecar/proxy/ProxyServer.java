package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.capture.CaptureTap;
import io.driftwatch.sidecar.sched.CpuPriority;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 reverse proxy: accepts client connections and streams each request to the model
 * server over a keep-alive upstream connection, leased from its event loop's {@link UpstreamPool}
 * while the client connection has exchanges in flight, and each response back, while a {@link
 * CaptureTap} decides what to copy. Bodies are forwarded chunk by chunk as they arrive, never
 * aggregated. A connection that opens with the HTTP/2 preface (gRPC over cleartext) is proxied as
 * HTTP/2 to the {@link H2cRoute} instead, on the same port.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final AtomicInteger inFlight;
  private final Transport transport;

  private ProxyServer(
      Transport transport,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel serverChannel,
      ChannelGroup connections,
      AtomicInteger inFlight) {
    this.transport = transport;
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.inFlight = inFlight;
  }

  /** The socket transport serving the proxy: {@code epoll}, {@code io_uring} or {@code nio}. */
  public String transport() {
    return transport.configName();
  }

  /**
   * Binds the listening socket and starts serving.
   *
   * @throws IllegalStateException when the address cannot be bound
   */
  public static ProxyServer start(Settings settings, CaptureTap tap, ProxyObserver observer) {
    return start(
        settings,
        tap,
        observer,
        ExchangeTracer.OFF,
        new H2cRoute(settings.upstreamHost(), settings.upstreamPort(), null));
  }

  /**
   * Binds the listening socket and starts serving; {@code tracer} is told of every HTTP/1.1
   * exchange, and HTTP/2 connections go to {@code h2c}.
   *
   * @throws IllegalStateException when the address cannot be bound
   */
  public static ProxyServer start(
      Settings settings,
      CaptureTap tap,
      ProxyObserver observer,
      ExchangeTracer tracer,
      H2cRoute h2c) {
    Transport transport = Transport.select(settings.transport(), LOG::warn);
    EventLoopGroup boss = transport.group(1, "driftwatch-accept", CpuPriority.NORMAL, LOG::warn);
    EventLoopGroup workers =
        transport.group(
            settings.ioThreads(), "driftwatch-proxy", settings.loopPriority(), LOG::warn);
    // Every open connection, to clients and to the model server alike, so that close() can close
    // them all while the event loops still run (see there).
    ChannelGroup connections =
        new DefaultChannelGroup("driftwatch-connections", GlobalEventExecutor.INSTANCE);
    AtomicInteger inFlight = new AtomicInteger();
    ProxyConnection.Shared shared =
        new ProxyConnection.Shared(
            settings,
            tap,
            observer,
            inFlight,
            tracer,
            new UpstreamPool(settings.upstreamKeepaliveTimeout()),
            connections);
    H2cProxyConnection.Shared h2 =
        new H2cProxyConnection.Shared(
            h2c,
            settings.connectTimeout(),
            settings.upstreamReadTimeout(),
            settings.clientIdleTimeout(),
            observer,
            inFlight,
            connections);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(transport.serverChannel)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            new PrefaceDetector(
                                p -> p.addLast(new Http1Decoder(true), new ProxyConnection(shared)),
                                p -> H2cProxyConnection.install(p, h2),
                                settings.clientReadTimeout()));
                  }
                });
    try {
      Channel server =
          b.bind(new InetSocketAddress(settings.listenHost(), settings.listenPort()))
              .syncUninterruptibly()
              .channel();
      return new ProxyServer(transport, boss, workers, server, connections, inFlight);
    } catch (Exception e) {
      // Netty rethrows the bind failure (a checked BindException) without declaring it.
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException(
          "listen: "
              + settings.listenHost()
              + ":"
              + settings.listenPort()
              + " (expected: an address this host can bind: "
              + e
              + ")",
          e);
    }
  }

  /** The port the proxy listens on (the bound one when 0 was asked for). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Whether the listening socket is open. */
  public boolean isBound() {
    return serverChannel.isActive();
  }

  /** Exchanges begun and not yet answered, over all connections. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Stops accepting, lets in-flight exchanges finish for up to {@code drain}, then closes every
   * connection and stops the event loops.
   */
  public void close(Duration drain) {
    serverChannel.close().syncUninterruptibly();
    long deadline = System.nanoTime() + drain.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // Both sides, kept-alive connections to the model server included, are closed while the event
    // loops still run, so that their teardown finds nothing open: an io_uring connection closed
    // with a read in the kernel gets the read's buffer back only when the cancelled read completes,
    // which a loop that is stopping may not wait for.
    connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * Where to listen and where the model server is.
   *
   * @param listenHost the address to bind, e.g. {@code 0.0.0.0}
   * @param listenPort the port to bind; 0 for a free one
   * @param upstreamHost the model server's host
   * @param upstreamPort the model server's port
   * @param connectTimeout how long an upstream connect may take before the client gets a 502
   * @param ioThreads event loop threads; 0 for Netty's default (twice the cores)
   * @param transport the socket transport asked for: {@code auto}, {@code epoll}, {@code io_uring}
   *     or {@code nio} (see {@link Transport#select})
   * @param loopPriority the scheduling class of the event loop threads (see {@link CpuPriority})
   * @param upstreamReadTimeout the longest wait between two reads from the model server while a
   *     response is due; then a 504, or the connection closed when the response had begun
   * @param upstreamKeepaliveTimeout how long an idle connection to the model server waits in the
   *     event loop's {@link UpstreamPool} for the next request; then it is closed
   * @param clientReadTimeout the longest a new connection may take to send its first request head,
   *     and the longest wait between two reads of a request body; then a 408 or a close
   * @param clientSendTimeout the longest a client may take nothing of a response the proxy holds
   *     for it (nginx {@code send_timeout}); then both connections close
   * @param clientIdleTimeout how long a kept-alive client connection may wait for its next request
   */
  public record Settings(
      String listenHost,
      int listenPort,
      String upstreamHost,
      int upstreamPort,
      Duration connectTimeout,
      int ioThreads,
      String transport,
      CpuPriority loopPriority,
      Duration upstreamReadTimeout,
      Duration upstreamKeepaliveTimeout,
      Duration clientReadTimeout,
      Duration clientSendTimeout,
      Duration clientIdleTimeout) {

    /** The {@code Host} header value for requests that come without one (HTTP/1.0). */
    String upstreamAuthority() {
      return upstreamHost.indexOf(':') >= 0
          ? "[" + upstreamHost + "]:" + upstreamPort
          : upstreamHost + ":" + upstreamPort;
    }
  }
}
