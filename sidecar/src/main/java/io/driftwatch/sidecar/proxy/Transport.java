package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.sched.CpuPriority;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The socket transport the proxy runs on ({@code io.transport}). By default Linux epoll when
 * Netty's native library loads, else the JDK's NIO selector. Epoll spends less CPU per request on
 * the proxy's hot path (no selected-key set, no per-select locking, edge-triggered reads), which is
 * most of what a sidecar costs at saturation. Setting the JVM property {@code
 * io.netty.transport.noNative=true} forces NIO, for comparison or on a kernel where epoll
 * misbehaves.
 *
 * <p>io_uring is taken only when asked for. Measured beside epoll on the sidecar benchmark's
 * workload (two sidecars in one interleaved client), it served 5 to 10 % more requests per second
 * at saturation, where one system call submits and reaps many operations, but added 4 to 9 µs to
 * the median at 1 000 requests/s, where each request still costs a wake-up and the ring's
 * bookkeeping comes on top. The default seccomp profiles of recent Docker and containerd releases
 * refuse io_uring; asked for there, the proxy falls back to the default and says why.
 *
 * <p>Upstream channels take the class of the client channel they serve, so both sides of a
 * connection always share one transport and one event loop.
 */
enum Transport {
  IO_URING(IoUringServerSocketChannel.class, IoUringIoHandler::newFactory),
  EPOLL(EpollServerSocketChannel.class, EpollIoHandler::newFactory),
  NIO(NioServerSocketChannel.class, NioIoHandler::newFactory);

  final Class<? extends ServerChannel> serverChannel;
  private final Supplier<IoHandlerFactory> handlers;

  Transport(Class<? extends ServerChannel> serverChannel, Supplier<IoHandlerFactory> handlers) {
    this.serverChannel = serverChannel;
    this.handlers = handlers;
  }

  /** The name {@code io.transport} gives this transport. */
  String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Epoll when available here, otherwise NIO. */
  static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  /**
   * The transport {@code io.transport} names, or {@link #best()} when that one cannot run here;
   * {@code warn} is then told why.
   *
   * @param requested {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}
   * @throws IllegalArgumentException for another name
   */
  static Transport select(String requested, Consumer<String> warn) {
    switch (requested) {
      case "auto":
        return best();
      case "nio":
        return NIO;
      case "epoll":
        if (Epoll.isAvailable()) {
          return EPOLL;
        }
        return fallBack("epoll", Epoll.unavailabilityCause(), warn);
      case "io_uring":
        if (IoUring.isAvailable()) {
          return IO_URING;
        }
        return fallBack("io_uring", IoUring.unavailabilityCause(), warn);
      default:
        throw new IllegalArgumentException(
            "io.transport: " + requested + " (expected: auto, epoll, io_uring, nio)");
    }
  }

  private static Transport fallBack(String requested, Throwable cause, Consumer<String> warn) {
    Transport instead = best();
    warn.accept(
        "sidecar: io.transport="
            + requested
            + " is not available here ("
            + (cause == null ? "unknown cause" : cause.toString())
            + "); using "
            + instead.configName());
    return instead;
  }

  /**
   * An event loop group of this transport.
   *
   * @param threads the number of event loops; 0 for Netty's default (twice the processors)
   * @param name the prefix of the threads' names
   * @param priority the scheduling class each thread moves to as it starts
   * @param warn told, once, when a thread could not move
   */
  EventLoopGroup group(int threads, String name, CpuPriority priority, Consumer<String> warn) {
    return new MultiThreadIoEventLoopGroup(
        threads, new PriorityThreadFactory(name, priority, warn), handlers.get());
  }

  /** Netty's thread factory, with each thread moved to a scheduling class before its loop runs. */
  private static final class PriorityThreadFactory extends DefaultThreadFactory {
    private final String name;
    private final CpuPriority priority;
    private final Consumer<String> warn;
    private final AtomicBoolean warned = new AtomicBoolean();

    PriorityThreadFactory(String name, CpuPriority priority, Consumer<String> warn) {
      super(name);
      this.name = name;
      this.priority = priority;
      this.warn = warn;
    }

    @Override
    public Thread newThread(Runnable loop) {
      return super.newThread(
          () -> {
            String notApplied = priority.applyToCurrentThread();
            if (notApplied != null && warned.compareAndSet(false, true)) {
              warn.accept(
                  "sidecar: the "
                      + name
                      + " threads run at normal CPU priority, not "
                      + priority.policyName()
                      + ": "
                      + notApplied);
            }
            loop.run();
          });
    }
  }
}
