package io.driftwatch.sidecar;

import io.driftwatch.sidecar.admin.AdminServer;
import io.driftwatch.sidecar.admin.SidecarMetrics;
import io.driftwatch.sidecar.admin.UpstreamProbe;
import io.driftwatch.sidecar.capture.CaptureQueue;
import io.driftwatch.sidecar.capture.CaptureStats;
import io.driftwatch.sidecar.capture.CaptureTap;
import io.driftwatch.sidecar.capture.CaptureWorker;
import io.driftwatch.sidecar.capture.ExchangeParser;
import io.driftwatch.sidecar.capture.GenericJsonParser;
import io.driftwatch.sidecar.capture.KServeV1Parser;
import io.driftwatch.sidecar.capture.KServeV2GrpcParser;
import io.driftwatch.sidecar.capture.KServeV2Parser;
import io.driftwatch.sidecar.capture.KafkaRecordSink;
import io.driftwatch.sidecar.capture.OpenAiParser;
import io.driftwatch.sidecar.capture.RecordAssembler;
import io.driftwatch.sidecar.capture.RecordSink;
import io.driftwatch.sidecar.capture.Redaction;
import io.driftwatch.sidecar.capture.Sampler;
import io.driftwatch.sidecar.ingest.CloudEventIngest;
import io.driftwatch.sidecar.ingest.CloudEventPairer;
import io.driftwatch.sidecar.ingest.IngestStats;
import io.driftwatch.sidecar.ingest.KafkaLabelSink;
import io.driftwatch.sidecar.ingest.LabelIngest;
import io.driftwatch.sidecar.ingest.LabelSink;
import io.driftwatch.sidecar.proxy.ExchangeTracer;
import io.driftwatch.sidecar.proxy.H2cRoute;
import io.driftwatch.sidecar.proxy.ProxyServer;
import io.driftwatch.sidecar.tracing.OtlpTracing;
import io.netty.util.ResourceLeakDetector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sidecar: the capture proxy in front of a model server, the capture worker that sends
 * prediction records to Kafka, and the admin port ({@code /metrics}, {@code /healthz/live}, {@code
 * /healthz/ready}).
 *
 * <p>Fail-open: inference never waits for capture. The proxy copies at most {@link
 * SidecarConfig#maxCaptureBytes()} of each body and offers the finished exchange to a bounded queue
 * without blocking; when the queue is full the exchange is counted dropped. One worker thread
 * parses and produces; only it may block on Kafka. Every captured record ends up sent or dropped
 * with a reason ({@link #stats()}).
 *
 * <p>Beside the probes, the admin port takes ground truth ({@code POST /v1/labels}, to the labels
 * topic) and KServe payload-logger CloudEvents ({@code POST /v1/cloudevents}, paired and captured
 * as if they had come through the proxy); see {@link LabelIngest} and {@link CloudEventIngest}.
 *
 * <p>With {@code otlp.endpoint} set, each proxied exchange is also a SERVER span exported over
 * OTLP, and the model server sees the sidecar's span as its parent; see {@link OtlpTracing}.
 *
 * <pre>{@code
 * try (SidecarServer sidecar = SidecarServer.start(config)) {
 *   System.out.println("proxy on " + sidecar.port() + ", metrics on " + sidecar.adminPort());
 *   sidecar.awaitTermination(); // or block until a signal, then close()
 * }
 * }</pre>
 */
public final class SidecarServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SidecarServer.class);

  private final SidecarConfig config;
  private final CaptureStats stats;
  private final CaptureQueue queue;
  private final CaptureWorker worker;
  private final ProxyServer proxy;
  private final UpstreamProbe probe;
  private final AdminServer admin;
  private final IngestStats ingestStats;
  private final LabelIngest labels;
  private final CloudEventPairer pairer;
  private final OtlpTracing tracing;
  private final Object closeLock = new Object();
  private boolean closed;

  private SidecarServer(
      SidecarConfig config,
      CaptureStats stats,
      CaptureQueue queue,
      CaptureWorker worker,
      ProxyServer proxy,
      UpstreamProbe probe,
      AdminServer admin,
      IngestStats ingestStats,
      LabelIngest labels,
      CloudEventPairer pairer,
      OtlpTracing tracing) {
    this.config = config;
    this.stats = stats;
    this.queue = queue;
    this.worker = worker;
    this.proxy = proxy;
    this.probe = probe;
    this.admin = admin;
    this.ingestStats = ingestStats;
    this.labels = labels;
    this.pairer = pairer;
    this.tracing = tracing;
  }

  /** The protocol readers {@code config.protocol()} selects, in the order they are asked. */
  static List<ExchangeParser> parsers(SidecarConfig config) {
    return switch (config.protocol()) {
      case "kserve-v2" -> List.of(new KServeV2Parser());
      case "kserve-v1" -> List.of(new KServeV1Parser());
      case "openai" -> List.of(new OpenAiParser());
      case "generic-json" ->
          List.of(
              new GenericJsonParser(
                  config.genericPaths(), config.genericFeatures(), config.genericOutputs()));
      default -> List.of(new KServeV2Parser(), new KServeV1Parser(), new OpenAiParser());
    };
  }

  /** The JVM properties that set Netty's leak detection level, current name and legacy name. */
  static final List<String> LEAK_DETECTION_PROPERTIES =
      List.of("io.netty.leakDetection.level", "io.netty.leakDetectionLevel");

  /**
   * Turns Netty's buffer leak detector off for this JVM, unless one of {@link
   * #LEAK_DETECTION_PROPERTIES} sets a level. For the {@code driftwatch sidecar} process, not for
   * {@link #start}: tests start sidecars with the detector at {@code paranoid} and keep it.
   *
   * <p>At Netty's default level ({@code simple}) about one buffer in 128 is tracked, and each
   * tracked buffer records a stack trace on the event loop when it is released. With a few buffers
   * per request, that is a few percent of requests, each some tens of microseconds slower: under
   * the workload of {@code benchmarks/run sidecar} (1 000 requests/s), two sidecars side by side,
   * one with the detector and one without, differed by 20 to 26 µs of p99. Leaks are a development
   * concern, and the tests look for them; an operator who wants the detector in production sets the
   * property.
   *
   * @return whether the detector was turned off
   */
  public static boolean disableLeakDetectionUnlessConfigured() {
    for (String property : LEAK_DETECTION_PROPERTIES) {
      if (System.getProperty(property) != null) {
        return false;
      }
    }
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    return true;
  }

  /**
   * Starts a sidecar that produces to the Kafka cluster of {@code config}. Returns once both ports
   * are bound. Kafka need not be reachable: records are counted dropped until it is.
   *
   * @throws IllegalStateException or {@link java.io.UncheckedIOException} when a port cannot be
   *     bound
   */
  public static SidecarServer start(SidecarConfig config) {
    return start(
        config,
        new KafkaRecordSink(
            config.kafkaBootstrapServers(), config.topic(), config.producerOverrides()));
  }

  /**
   * Starts a sidecar that hands its records to {@code sink} instead of Kafka (e.g. to print them).
   * The sidecar owns the sink from now on and closes it.
   */
  public static SidecarServer start(SidecarConfig config, RecordSink sink) {
    return start(
        config,
        sink,
        new KafkaLabelSink(
            config.kafkaBootstrapServers(), config.labelsTopic(), config.producerOverrides()));
  }

  /**
   * Starts a sidecar that hands its prediction records to {@code sink} and the labels posted to it
   * to {@code labelSink}. The sidecar owns both sinks from now on and closes them.
   */
  public static SidecarServer start(SidecarConfig config, RecordSink sink, LabelSink labelSink) {
    CaptureStats stats = new CaptureStats();
    CaptureQueue queue = new CaptureQueue(config.captureQueueRecords(), config.captureQueueBytes());
    if (!config.hashFields().isEmpty() && config.hashSalt().value().isEmpty()) {
      LOG.warn(
          "sidecar: hash.fields {} are hashed without a salt (hash.salt): values with few"
              + " possibilities can be recovered by hashing guesses",
          config.hashFields());
    }
    CaptureWorker worker =
        new CaptureWorker(
            queue,
            new RecordAssembler(
                config.model(),
                config.modelVersion(),
                new Redaction(
                    config.redactFields(), config.hashFields(), config.hashSalt().value())),
            sink,
            stats,
            config.capturePriority());
    PrometheusRegistry registry = new PrometheusRegistry();
    SidecarMetrics metrics = new SidecarMetrics(registry, stats, queue);
    Sampler sampler = new Sampler(config.samplingRate());
    CaptureTap tap =
        new CaptureTap(parsers(config), sampler, config.maxCaptureBytes(), queue, stats);
    IngestStats ingestStats = new IngestStats();
    LabelIngest labels =
        new LabelIngest(
            labelSink,
            ingestStats,
            config.labelsQueueRecords(),
            config.ingestMaxBytes(),
            config.model(),
            config.modelVersion());
    CloudEventPairer pairer =
        new CloudEventPairer(
            config.cloudEventsPairTimeout(),
            config.cloudEventsPendingRecords(),
            config.cloudEventsPendingBytes(),
            sampler,
            tap::offer,
            ingestStats);
    SidecarMetrics.registerIngest(registry, ingestStats, labels::queued, pairer::pending);
    // Off by default, and then no SDK object exists: the proxy's tracer is a no-op.
    OtlpTracing tracing =
        config.otlp().enabled()
            ? OtlpTracing.start(config.otlp(), config.model(), config.modelVersion())
            : null;
    if (tracing != null) {
      SidecarMetrics.registerTracing(registry, tracing.counts());
    }
    worker.start();
    labels.start();
    ProxyServer proxy = null;
    UpstreamProbe probe = null;
    try {
      int threads =
          config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
      proxy =
          ProxyServer.start(
              new ProxyServer.Settings(
                  config.listenHost(),
                  config.listenPort(),
                  config.upstreamHost(),
                  config.upstreamPort(),
                  config.upstreamConnectTimeout(),
                  threads,
                  config.ioTransport(),
                  config.ioCpuPriority(),
                  config.upstreamReadTimeout(),
                  config.upstreamKeepaliveTimeout(),
                  config.clientReadTimeout(),
                  config.clientSendTimeout(),
                  config.clientIdleTimeout()),
              tap,
              metrics,
              tracing == null ? ExchangeTracer.OFF : tracing.tracer(),
              new H2cRoute(
                  config.upstreamGrpcHost(),
                  config.upstreamGrpcPort(),
                  new CaptureTap(
                      List.of(new KServeV2GrpcParser()),
                      sampler,
                      config.maxCaptureBytes(),
                      queue,
                      stats)));
      if (!config.readinessProbeInterval().isZero()) {
        probe =
            new UpstreamProbe(
                URI.create("http://" + config.upstream().getRawAuthority() + "/v2/health/ready"),
                config.readinessProbeInterval());
      }
      ProxyServer boundProxy = proxy;
      UpstreamProbe readiness = probe;
      AdminServer admin =
          AdminServer.start(
              config.adminHost(),
              config.adminPort(),
              registry,
              () -> boundProxy.isBound() && (readiness == null || readiness.ready()),
              Map.of(
                  "/v1/labels",
                  labels,
                  CloudEventIngest.PATH,
                  new CloudEventIngest(
                      pairer, ingestStats, config.ingestMaxBytes(), config.maxCaptureBytes())));
      SidecarServer server =
          new SidecarServer(
              config,
              stats,
              queue,
              worker,
              proxy,
              probe,
              admin,
              ingestStats,
              labels,
              pairer,
              tracing);
      LOG.info(
          "sidecar: proxy on {}:{} ({}) → {}, admin on {}:{}, records to {} at {}",
          config.listenHost(),
          server.port(),
          proxy.transport(),
          config.upstream(),
          config.adminHost(),
          server.adminPort(),
          config.topic(),
          config.kafkaBootstrapServers());
      return server;
    } catch (RuntimeException e) {
      if (probe != null) {
        probe.close();
      }
      if (proxy != null) {
        proxy.close(Duration.ZERO);
      }
      if (tracing != null) {
        tracing.close(Duration.ZERO);
      }
      pairer.close();
      worker.close(Duration.ZERO);
      labels.close(Duration.ZERO);
      throw e;
    }
  }

  /** The proxy's socket transport: {@code epoll}, {@code io_uring} or {@code nio}. */
  public String transport() {
    return proxy.transport();
  }

  /** The proxy port: clients send inference requests here. */
  public int port() {
    return proxy.port();
  }

  /** The admin port: {@code /metrics}, {@code /healthz/live}, {@code /healthz/ready}. */
  public int adminPort() {
    return admin.port();
  }

  /** The configuration this sidecar runs with. */
  public SidecarConfig config() {
    return config;
  }

  /** What {@code /healthz/ready} answers: proxy bound and, when probed, the model server ready. */
  public boolean ready() {
    return proxy.isBound() && (probe == null || probe.ready());
  }

  /** A snapshot of the capture counters. Cheap; safe from any thread. */
  public SidecarStats stats() {
    return new SidecarStats(
        stats.captured(),
        stats.sent(),
        stats.dropped(),
        stats.droppedByReason(),
        stats.inFlight(),
        queue.size(),
        queue.bytes());
  }

  /** The counters of the ingest endpoints ({@code /v1/labels}, {@code /v1/cloudevents}). */
  public IngestStats ingestStats() {
    return ingestStats;
  }

  /** Blocks until {@link #close()} has completed (e.g. from a shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    synchronized (closeLock) {
      while (!closed) {
        closeLock.wait();
      }
    }
  }

  /**
   * Stops gracefully within about {@link SidecarConfig#shutdownTimeout()}: stops accepting, lets
   * in-flight requests finish (up to half the timeout), sends what was captured, and counts what
   * could not be sent as dropped ({@code reason=shutdown}). Logger events still waiting for their
   * other half are captured alone; labels and spans get the same drain time as records. Idempotent.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      Duration timeout = config.shutdownTimeout();
      proxy.close(timeout.dividedBy(2));
      if (probe != null) {
        probe.close();
      }
      admin.close();
      pairer.close();
      Thread labelDrain = new Thread(() -> labels.close(timeout.dividedBy(2)), "driftwatch-close");
      labelDrain.start();
      Thread spanDrain = null;
      if (tracing != null) {
        spanDrain = new Thread(() -> tracing.close(timeout.dividedBy(2)), "driftwatch-close-spans");
        spanDrain.start();
      }
      worker.close(timeout.dividedBy(2));
      try {
        labelDrain.join();
        if (spanDrain != null) {
          spanDrain.join();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closed = true;
      closeLock.notifyAll();
      SidecarStats s = stats();
      LOG.info(
          "sidecar: stopped; records captured {}, sent {}, dropped {} {}",
          s.captured(),
          s.sent(),
          s.dropped(),
          s.droppedByReason());
    }
  }
}
