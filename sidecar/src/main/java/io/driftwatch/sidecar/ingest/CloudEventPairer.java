package io.driftwatch.sidecar.ingest;

import io.driftwatch.sidecar.capture.Exchange;
import io.driftwatch.sidecar.capture.KServeCloudEventParser;
import io.driftwatch.sidecar.capture.Sampler;
import io.driftwatch.sidecar.capture.ThrottledLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Pairs KServe payload-logger events: the request event and the response event of one inference
 * share a {@code ce-id} (within one InferenceService component) and may arrive in either order. The
 * first to arrive waits; when the other comes, the two become one {@link Exchange}, as if the
 * inference had gone through the proxy. Bounded in events and bytes: when either bound would be
 * exceeded the oldest waiting event is captured alone ({@code evicted}); an event still alone after
 * the pairing timeout is captured alone too ({@code no_response} / {@code no_request}), with what
 * it has (features without outputs, or outputs without features). Nothing is dropped silently:
 * every event becomes part of an exchange, and each exchange goes to the capture queue (which
 * counts its own overflow).
 *
 * <p>Sampling is the proxy's: by {@code ce-id}, so a prediction and its label fall in the same
 * sample; an event of an id not sampled is not kept.
 */
public final class CloudEventPairer implements AutoCloseable {
  private final long ttlNanos;
  private final int maxPending;
  private final long maxPendingBytes;
  private final Sampler sampler;
  private final Consumer<Exchange> capture;
  private final IngestStats stats;
  private final KServeCloudEventParser parser = new KServeCloudEventParser();
  private final ScheduledExecutorService sweeper;
  private final ThrottledLog throttled =
      new ThrottledLog(LoggerFactory.getLogger(CloudEventPairer.class), 60, TimeUnit.SECONDS);
  private final LinkedHashMap<String, Waiting> pending = new LinkedHashMap<>();
  private long pendingBytes;
  private boolean closed;

  private record Waiting(CloudEvent event, long arrivedNanos) {}

  /**
   * @param timeout how long an event waits for its other half
   * @param maxPending the most events waiting
   * @param maxPendingBytes the most bytes they may hold ({@link CloudEvent#sizeBytes()})
   * @param capture where finished exchanges go; must not block (the capture queue's offer)
   */
  public CloudEventPairer(
      Duration timeout,
      int maxPending,
      long maxPendingBytes,
      Sampler sampler,
      Consumer<Exchange> capture,
      IngestStats stats) {
    this.ttlNanos = timeout.toNanos();
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
    this.sampler = sampler;
    this.capture = capture;
    this.stats = stats;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "driftwatch-cloudevents");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(10, Math.min(1_000, timeout.toMillis() / 4));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** Events waiting for their other half now. */
  public synchronized int pending() {
    return pending.size();
  }

  /** Takes one valid event. Never blocks beyond a short lock. */
  public void accept(CloudEvent event) {
    stats.eventReceived(event.request());
    if (!sampler.sampled(event.id())) {
      return;
    }
    List<Exchange> out = new ArrayList<>(2);
    synchronized (this) {
      if (closed) {
        out.add(alone(event, IngestStats.SHUTDOWN));
      } else {
        String key = event.pairingKey();
        Waiting other = pending.remove(key);
        if (other != null) {
          pendingBytes -= other.event().sizeBytes();
        }
        if (other != null && other.event().request() != event.request()) {
          stats.pairedOne();
          out.add(event.request() ? paired(event, other.event()) : paired(other.event(), event));
        } else {
          if (other != null) {
            out.add(alone(other.event(), IngestStats.DUPLICATE));
          }
          makeRoom(event.sizeBytes(), out);
          pending.put(key, new Waiting(event, System.nanoTime()));
          pendingBytes += event.sizeBytes();
        }
      }
    }
    out.forEach(capture);
  }

  private void makeRoom(long bytes, List<Exchange> out) {
    Iterator<Waiting> oldest = pending.values().iterator();
    while (oldest.hasNext()
        && (pending.size() >= maxPending || pendingBytes + bytes > maxPendingBytes)) {
      Waiting w = oldest.next();
      oldest.remove();
      pendingBytes -= w.event().sizeBytes();
      out.add(alone(w.event(), IngestStats.EVICTED));
    }
  }

  private void sweep() {
    try {
      expire();
    } catch (RuntimeException e) {
      // A failed sweep must not end the schedule (an executor drops a task that throws).
      throttled.warn("sweep", "cloudevents: the pairing sweep failed", e);
    }
  }

  /** Captures alone every event that waited the whole timeout. */
  void expire() {
    List<Exchange> out = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      Iterator<Waiting> oldest = pending.values().iterator();
      while (oldest.hasNext()) {
        Waiting w = oldest.next();
        if (now - w.arrivedNanos() < ttlNanos) {
          // Arrival order is insertion order, so every later event is younger.
          break;
        }
        oldest.remove();
        pendingBytes -= w.event().sizeBytes();
        out.add(
            alone(
                w.event(), w.event().request() ? IngestStats.NO_RESPONSE : IngestStats.NO_REQUEST));
      }
    }
    out.forEach(capture);
  }

  private Exchange paired(CloudEvent request, CloudEvent response) {
    long latencyMicros = Math.max(0, response.timeMicros() - request.timeMicros());
    return exchange(request, response, headers(request, null), 200, latencyMicros * 1_000);
  }

  private Exchange alone(CloudEvent event, String reason) {
    stats.unpaired(reason);
    String note = note(event, reason);
    if (event.request()) {
      // No response event: the model answered something other than 200, or it was lost.
      return exchange(event, null, headers(event, note), 0, 0);
    }
    return exchange(null, event, headers(event, note), 200, 0);
  }

  private static String note(CloudEvent event, String reason) {
    String missing = event.request() ? "response" : "request";
    return switch (reason) {
      case IngestStats.EVICTED ->
          "cloudevent: captured without its " + missing + " event (too many events waiting)";
      case IngestStats.DUPLICATE ->
          "cloudevent: captured without its " + missing + " event (another event with its id came)";
      case IngestStats.SHUTDOWN ->
          "cloudevent: captured without its " + missing + " event (sidecar stopping)";
      default -> "cloudevent: no " + missing + " event within the pairing timeout";
    };
  }

  private static Map<String, String> headers(CloudEvent event, String note) {
    Map<String, String> h = new HashMap<>(8);
    if (!event.contentType().isEmpty()) {
      h.put("content-type", event.contentType());
    }
    if (!event.service().isEmpty()) {
      h.put(KServeCloudEventParser.SERVICE_HEADER, event.service());
    }
    if (!event.traceparent().isEmpty()) {
      h.put("traceparent", event.traceparent());
    }
    if (note != null) {
      h.put(KServeCloudEventParser.PAIRING_HEADER, note);
    }
    return h;
  }

  private Exchange exchange(
      CloudEvent request,
      CloudEvent response,
      Map<String, String> requestHeaders,
      int status,
      long latencyNanos) {
    CloudEvent first = request != null ? request : response;
    Map<String, String> responseHeaders =
        response == null || response.contentType().isEmpty()
            ? Map.of()
            : Map.of("content-type", response.contentType());
    return new Exchange(
        first.id(),
        "POST",
        CloudEventIngest.PATH,
        parser,
        first.timeMicros(),
        latencyNanos,
        status,
        requestHeaders,
        responseHeaders,
        request == null ? new byte[0] : request.data(),
        request != null && request.truncated(),
        response == null ? new byte[0] : response.data(),
        response != null && response.truncated(),
        "",
        sampler.weight());
  }

  /**
   * Stops the timeout sweep and captures every waiting event alone ({@code shutdown}). Later events
   * are captured alone at once. Call before the capture worker stops. Idempotent.
   */
  @Override
  public void close() {
    sweeper.shutdownNow();
    List<Exchange> out = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Waiting w : pending.values()) {
        out.add(alone(w.event(), IngestStats.SHUTDOWN));
      }
      pending.clear();
      pendingBytes = 0;
    }
    out.forEach(capture);
  }
}
