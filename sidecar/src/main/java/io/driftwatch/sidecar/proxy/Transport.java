package io.driftwatch.sidecar.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;

/**
 * The socket transport the proxy runs on: Linux epoll when Netty's native library loads, else the
 * JDK's NIO selector. Epoll spends less CPU per request on the proxy's hot path (no selected-key
 * set, no per-select locking, edge-triggered reads), which is most of what a sidecar costs at
 * saturation. Setting the JVM property {@code io.netty.transport.noNative=true} forces NIO, for
 * comparison or on a kernel where epoll misbehaves.
 *
 * <p>Upstream channels take the class of the client channel they serve, so both sides of a
 * connection always share one transport and one event loop.
 */
enum Transport {
  EPOLL(EpollServerSocketChannel.class, EpollIoHandler::newFactory),
  NIO(NioServerSocketChannel.class, NioIoHandler::newFactory);

  final Class<? extends ServerChannel> serverChannel;
  private final Supplier<IoHandlerFactory> handlers;

  Transport(Class<? extends ServerChannel> serverChannel, Supplier<IoHandlerFactory> handlers) {
    this.serverChannel = serverChannel;
    this.handlers = handlers;
  }

  /** Epoll when available here, otherwise NIO. */
  static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  /**
   * An event loop group of this transport.
   *
   * @param threads the number of event loops; 0 for Netty's default (twice the processors)
   * @param name the prefix of the threads' names
   */
  EventLoopGroup group(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), handlers.get());
  }
}
