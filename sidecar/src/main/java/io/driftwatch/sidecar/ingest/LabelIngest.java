package io.driftwatch.sidecar.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.sidecar.capture.DropReason;
import io.driftwatch.sidecar.capture.RecordSink;
import io.driftwatch.sidecar.capture.ThrottledLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/labels}: ground truth for earlier predictions. A valid body (see {@link
 * LabelRequests}) is put whole into a bounded queue and answered 202 {@code {"accepted": n}}; one
 * worker thread hands the labels to the sink (Kafka, key = prediction id). A bad body is answered
 * 400 with the first problem, a full queue 503 with {@code Retry-After: 1}, a body over the size
 * limit 413. The request thread never waits for Kafka.
 */
public final class LabelIngest implements HttpHandler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LabelIngest.class);

  private final LabelSink sink;
  private final IngestStats stats;
  private final LabelQueue queue;
  private final int maxBytes;
  private final String defaultModel;
  private final String defaultVersion;
  private final Thread thread;
  private final ThrottledLog throttled = new ThrottledLog(LOG, 60, TimeUnit.SECONDS);
  private final RecordSink.Outcome outcome;
  private volatile boolean running = true;
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;
  private boolean closed;

  /**
   * @param sink where labels go; owned and closed by this
   * @param queueCapacity the most labels waiting for the sink
   * @param maxBytes the largest body accepted
   * @param defaultModel the model of labels that name none; empty to require one
   * @param defaultVersion the version of labels that name none
   */
  public LabelIngest(
      LabelSink sink,
      IngestStats stats,
      int queueCapacity,
      int maxBytes,
      String defaultModel,
      String defaultVersion) {
    this.sink = sink;
    this.stats = stats;
    this.queue = new LabelQueue(queueCapacity);
    this.maxBytes = maxBytes;
    this.defaultModel = defaultModel;
    this.defaultVersion = defaultVersion;
    this.outcome = RecordSink.Outcome.of(stats::labelSent, stats::labelDropped);
    this.thread = new Thread(this::run, "driftwatch-labels");
    thread.setDaemon(true);
  }

  /** Starts the worker thread. */
  public void start() {
    thread.start();
  }

  /** Labels waiting for the sink now. */
  public int queued() {
    return queue.size();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = answer(exchange);
      stats.request(IngestStats.LABELS, status);
    }
  }

  private int answer(HttpExchange exchange) throws IOException {
    if (IngestHttp.refuseNonPost(exchange)) {
      return 405;
    }
    byte[] body;
    try {
      body = IngestHttp.readBody(exchange, maxBytes);
    } catch (IngestHttp.TooLarge e) {
      IngestHttp.error(exchange, 413, "body: larger than " + maxBytes + " bytes");
      return 413;
    }
    Instant now = Instant.now();
    LabelRequests.Parsed parsed =
        LabelRequests.parse(
            body,
            defaultModel,
            defaultVersion,
            now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    if (parsed.error() != null) {
      IngestHttp.error(exchange, 400, parsed.error());
      return 400;
    }
    LabelQueue.Offer offer = queue.offerAll(parsed.labels());
    if (offer != LabelQueue.Offer.ACCEPTED) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      IngestHttp.error(
          exchange,
          503,
          offer == LabelQueue.Offer.FULL ? "label queue full; retry later" : "shutting down");
      return 503;
    }
    stats.labelsAccepted(parsed.labels().size());
    IngestHttp.respond(exchange, 202, "{\"accepted\":" + parsed.labels().size() + "}");
    return 202;
  }

  private void run() {
    try {
      while (running) {
        LabelRecord label = queue.poll(100, TimeUnit.MILLISECONDS);
        if (label != null) {
          send(label);
        }
      }
      LabelRecord label;
      while (System.nanoTime() < drainDeadlineNanos && (label = queue.poll()) != null) {
        send(label);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(LabelRecord label) {
    try {
      sink.send(label, outcome);
    } catch (RuntimeException e) {
      outcome.dropped(DropReason.INTERNAL_ERROR);
      throttled.warn("sink", "labels: the label sink threw", e);
    }
  }

  /**
   * Refuses new labels (503), delivers what is queued for up to half of {@code timeout}, counts the
   * rest dropped ({@code shutdown}), then closes the sink with the time left. Idempotent.
   */
  public synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    queue.close();
    long start = System.nanoTime();
    drainDeadlineNanos = start + timeout.toNanos() / 2;
    running = false;
    try {
      thread.join(Math.max(1, timeout.toMillis() / 2 + 100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    while (queue.poll() != null) {
      stats.labelDropped(DropReason.SHUTDOWN);
    }
    long remaining = timeout.toNanos() - (System.nanoTime() - start);
    sink.close(Duration.ofNanos(Math.max(remaining, 0)));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
