package io.driftwatch.sidecar.injector;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar injector: a Kubernetes mutating admission webhook over HTTPS that adds the Driftwatch
 * sidecar to pods annotated {@code driftwatch.io/inject: "true"} (see docs/injector.md).
 *
 * <p>{@code POST /mutate} takes an {@code admission.k8s.io/v1} AdmissionReview and always answers
 * {@code allowed: true} with the request's uid: with a JSON Patch adding the sidecar, or with no
 * patch (and a warning when the pod asked for the sidecar but cannot have it). Bodies that are not
 * such a review get 400, larger than {@link InjectorConfig#maxRequestBytes()} 413, other paths 404,
 * other methods 405, each with {@code {"error": reason}}. {@code GET /healthz/live} and {@code
 * /healthz/ready} serve the injector's own probes.
 *
 * <pre>{@code
 * try (InjectorServer injector = InjectorServer.start(config)) {
 *   injector.awaitTermination(); // until close() from a shutdown hook
 * }
 * }</pre>
 */
public final class InjectorServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InjectorServer.class);
  private static final int THREADS = 4;

  private final HttpsServer server;
  private final ExecutorService executor;
  private final WebhookHandler handler;
  private final ReloadingKeyManager keys;
  private final CountDownLatch closed = new CountDownLatch(1);

  private InjectorServer(
      HttpsServer server,
      ExecutorService executor,
      WebhookHandler handler,
      ReloadingKeyManager keys) {
    this.server = server;
    this.executor = executor;
    this.handler = handler;
    this.keys = keys;
  }

  /**
   * Reads the TLS files, binds and starts serving; returns once the port is bound.
   *
   * @throws IllegalArgumentException when the TLS files are missing, malformed or do not belong
   *     together, naming the file
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static InjectorServer start(InjectorConfig config) {
    ReloadingKeyManager keys =
        new ReloadingKeyManager(config.tlsCert(), config.tlsKey(), config.tlsReloadInterval());
    SSLContext tls;
    try {
      tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {keys}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM offers no TLS", e);
    }
    HttpsServer server;
    try {
      server =
          HttpsServer.create(new InetSocketAddress(config.listenHost(), config.listenPort()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "listen: "
              + config.listenHost()
              + ":"
              + config.listenPort()
              + " (expected: an address this host can bind)",
          e);
    }
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = getSSLContext().getDefaultSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            params.setSSLParameters(p);
          }
        });
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "driftwatch-injector-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    WebhookHandler handler =
        new WebhookHandler(new SidecarInjector(config), config.maxRequestBytes());
    server.createContext("/", handler);
    server.setExecutor(executor);
    server.start();
    InjectorServer injector = new InjectorServer(server, executor, handler, keys);
    X509Certificate leaf = keys.certificateChain()[0];
    LOG.info(
        "Injector on https://{}:{}{} with certificate {} (valid until {}); sidecar image {}",
        config.listenHost(),
        injector.port(),
        WebhookHandler.MUTATE,
        leaf.getSubjectX500Principal(),
        leaf.getNotAfter().toInstant(),
        config.image());
    return injector;
  }

  /** The port the webhook is served on (the bound one when the configuration asked for 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** What the injector has answered so far. */
  public InjectorStats stats() {
    return handler.stats();
  }

  /** The certificate chain served now, leaf first; it changes when the TLS files are renewed. */
  public X509Certificate[] certificateChain() {
    return keys.certificateChain();
  }

  /** Blocks until {@link #close()} has run. */
  public void awaitTermination() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops accepting connections, gives requests in progress up to a second to finish, and stops.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed.getCount() == 0) {
      return;
    }
    synchronized (this) {
      if (closed.getCount() == 0) {
        return;
      }
      server.stop(1);
      executor.shutdown();
      try {
        if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
          executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
      closed.countDown();
    }
  }
}
