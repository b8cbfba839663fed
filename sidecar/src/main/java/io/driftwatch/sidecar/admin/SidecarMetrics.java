package io.driftwatch.sidecar.admin;

import io.driftwatch.sidecar.capture.CaptureQueue;
import io.driftwatch.sidecar.capture.CaptureStats;
import io.driftwatch.sidecar.ingest.IngestStats;
import io.driftwatch.sidecar.proxy.ProxyObserver;
import io.driftwatch.sidecar.tracing.SpanCounts;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The sidecar's Prometheus metrics, registered in a registry of its own (several sidecars may run
 * in one JVM). Traffic metrics are updated by the proxy through {@link ProxyObserver}; capture
 * metrics are read from {@link CaptureStats} and {@link CaptureQueue} at scrape time.
 *
 * <p>Names (documented in docs/metrics.md): {@value #REQUESTS}, {@value #DURATION}, {@value
 * #CAPTURED}, {@value #SENT}, {@value #DROPPED}, {@value #QUEUE_RECORDS}, {@value #QUEUE_BYTES},
 * {@value #UPSTREAM_ERRORS}; for the ingest endpoints ({@link #registerIngest}) {@value
 * #INGEST_REQUESTS}, {@value #LABELS_ACCEPTED}, {@value #LABELS_SENT}, {@value #LABELS_DROPPED},
 * {@value #LABELS_QUEUE}, {@value #EVENTS_RECEIVED}, {@value #EVENTS_PAIRED}, {@value
 * #EVENTS_UNPAIRED}, {@value #EVENTS_PENDING}; with tracing on ({@link #registerTracing}) {@value
 * #SPANS_EXPORTED}, {@value #SPANS_DROPPED}.
 */
public final class SidecarMetrics implements ProxyObserver {
  public static final String REQUESTS = "driftwatch_sidecar_requests_total";
  public static final String DURATION = "driftwatch_sidecar_request_duration_seconds";
  public static final String CAPTURED = "driftwatch_sidecar_records_captured_total";
  public static final String SENT = "driftwatch_sidecar_records_sent_total";
  public static final String DROPPED = "driftwatch_sidecar_records_dropped_total";
  public static final String UNREADABLE = "driftwatch_sidecar_records_unreadable_total";
  public static final String QUEUE_RECORDS = "driftwatch_sidecar_capture_queue_records";
  public static final String QUEUE_BYTES = "driftwatch_sidecar_capture_queue_bytes";
  public static final String UPSTREAM_ERRORS = "driftwatch_sidecar_upstream_errors_total";
  public static final String INGEST_REQUESTS = "driftwatch_sidecar_ingest_requests_total";
  public static final String LABELS_ACCEPTED = "driftwatch_sidecar_labels_accepted_total";
  public static final String LABELS_SENT = "driftwatch_sidecar_labels_sent_total";
  public static final String LABELS_DROPPED = "driftwatch_sidecar_labels_dropped_total";
  public static final String LABELS_QUEUE = "driftwatch_sidecar_labels_queue_records";
  public static final String EVENTS_RECEIVED = "driftwatch_sidecar_cloudevents_received_total";
  public static final String EVENTS_PAIRED = "driftwatch_sidecar_cloudevents_paired_total";
  public static final String EVENTS_UNPAIRED = "driftwatch_sidecar_cloudevents_unpaired_total";
  public static final String EVENTS_PENDING = "driftwatch_sidecar_cloudevents_pending";
  public static final String SPANS_EXPORTED = "driftwatch_sidecar_spans_exported_total";
  public static final String SPANS_DROPPED = "driftwatch_sidecar_spans_dropped_total";

  /** 100 µs to 10 s, 1-2.5-5 steps: from a cached tabular model to a slow LLM call. */
  static final double[] DURATION_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final List<String> UPSTREAM_REASONS =
      List.of(CONNECT_FAILED, CLOSED_BEFORE_RESPONSE, CLOSED_MID_RESPONSE, BAD_RESPONSE, TIMEOUT);

  private final Counter requests;

  /**
   * The request counter's data point per status code, looked up once: {@code labelValues} costs a
   * string and a map lookup, which every proxied request would otherwise pay.
   */
  private final AtomicReferenceArray<CounterDataPoint> requestsByCode =
      new AtomicReferenceArray<>(600);

  private final Histogram duration;
  private final Counter upstreamErrors;

  public SidecarMetrics(PrometheusRegistry registry, CaptureStats stats, CaptureQueue queue) {
    requests =
        Counter.builder()
            .name(REQUESTS)
            .help("Requests proxied to the model server, by the HTTP status the client got.")
            .labelNames("code")
            // No exemplars: without a tracer bridge they would hold no trace id, and sampling them
            // costs every request a clock read and, now and then, a scheduled task.
            .withoutExemplars()
            .register(registry);
    duration =
        Histogram.builder()
            .name(DURATION)
            .help("Time from a request's arrival at the sidecar to its response's last byte.")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(DURATION_BUCKETS)
            .withoutExemplars()
            .register(registry);
    upstreamErrors =
        Counter.builder()
            .name(UPSTREAM_ERRORS)
            .help("Failures talking to the model server, by reason.")
            .labelNames("reason")
            .register(registry);
    for (String reason : UPSTREAM_REASONS) {
      upstreamErrors.initLabelValues(reason);
    }
    CounterWithCallback.builder()
        .name(CAPTURED)
        .help("Prediction records captured (each is then sent, dropped, or still in flight).")
        .callback(cb -> cb.call(stats.captured()))
        .register(registry);
    CounterWithCallback.builder()
        .name(SENT)
        .help("Prediction records acknowledged by Kafka.")
        .callback(cb -> cb.call(stats.sent()))
        .register(registry);
    CounterWithCallback.builder()
        .name(DROPPED)
        .help("Prediction records captured but not delivered, by reason.")
        .labelNames("reason")
        .callback(cb -> stats.droppedByReason().forEach((r, n) -> cb.call(n, r)))
        .register(registry);
    CounterWithCallback.builder()
        .name(UNREADABLE)
        .help(
            "Records of successful predictions whose bodies could not be fully read into features"
                + " and outputs (see each record's capture_error), by protocol.")
        .labelNames("protocol")
        .callback(cb -> stats.unreadableByProtocol().forEach((p, n) -> cb.call(n, p)))
        .register(registry);
    GaugeWithCallback.builder()
        .name(QUEUE_RECORDS)
        .help("Captured exchanges waiting to be turned into records and sent.")
        .callback(cb -> cb.call(queue.size()))
        .register(registry);
    GaugeWithCallback.builder()
        .name(QUEUE_BYTES)
        .help("Bytes held by the capture queue.")
        .unit(Unit.BYTES)
        .callback(cb -> cb.call(queue.bytes()))
        .register(registry);
  }

  /**
   * Registers the metrics of the ingest endpoints, read from {@code stats} and the two gauges at
   * scrape time.
   *
   * @param labelsQueued labels waiting for Kafka now
   * @param eventsPending logger events waiting for their other half now
   */
  public static void registerIngest(
      PrometheusRegistry registry,
      IngestStats stats,
      IntSupplier labelsQueued,
      IntSupplier eventsPending) {
    CounterWithCallback.builder()
        .name(INGEST_REQUESTS)
        .help("Requests to the ingest endpoints (labels, cloudevents), by the status answered.")
        .labelNames("endpoint", "code")
        .callback(cb -> stats.requests().forEach((k, n) -> cb.call(n, k.get(0), k.get(1))))
        .register(registry);
    CounterWithCallback.builder()
        .name(LABELS_ACCEPTED)
        .help("Labels accepted by POST /v1/labels (each is then sent, dropped, or waiting).")
        .callback(cb -> cb.call(stats.labelsAccepted()))
        .register(registry);
    CounterWithCallback.builder()
        .name(LABELS_SENT)
        .help("Labels acknowledged by Kafka.")
        .callback(cb -> cb.call(stats.labelsSent()))
        .register(registry);
    CounterWithCallback.builder()
        .name(LABELS_DROPPED)
        .help("Labels accepted but not delivered, by reason.")
        .labelNames("reason")
        .callback(cb -> stats.labelsDropped().forEach((r, n) -> cb.call(n, r)))
        .register(registry);
    GaugeWithCallback.builder()
        .name(LABELS_QUEUE)
        .help("Labels waiting to be sent to Kafka.")
        .callback(cb -> cb.call(labelsQueued.getAsInt()))
        .register(registry);
    CounterWithCallback.builder()
        .name(EVENTS_RECEIVED)
        .help("KServe logger CloudEvents accepted by POST /v1/cloudevents, by type.")
        .labelNames("type")
        .callback(
            cb -> {
              cb.call(stats.requestEvents(), "request");
              cb.call(stats.responseEvents(), "response");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name(EVENTS_PAIRED)
        .help("Inferences whose request and response events were paired.")
        .callback(cb -> cb.call(stats.paired()))
        .register(registry);
    CounterWithCallback.builder()
        .name(EVENTS_UNPAIRED)
        .help("Logger events captured without their other half, by reason.")
        .labelNames("reason")
        .callback(cb -> stats.unpaired().forEach((r, n) -> cb.call(n, r)))
        .register(registry);
    GaugeWithCallback.builder()
        .name(EVENTS_PENDING)
        .help("Logger events waiting for their other half.")
        .callback(cb -> cb.call(eventsPending.getAsInt()))
        .register(registry);
  }

  /** Registers the span export metrics, read from {@code counts} at scrape time. */
  public static void registerTracing(PrometheusRegistry registry, SpanCounts counts) {
    CounterWithCallback.builder()
        .name(SPANS_EXPORTED)
        .help("Spans the OTLP collector accepted.")
        .callback(cb -> cb.call(counts.exported()))
        .register(registry);
    CounterWithCallback.builder()
        .name(SPANS_DROPPED)
        .help("Spans given up, by reason (queue_full, export_failed, shutdown).")
        .labelNames("reason")
        .callback(cb -> counts.droppedByReason().forEach((r, n) -> cb.call(n, r)))
        .register(registry);
  }

  @Override
  public void onExchange(int status, long latencyNanos) {
    if (status >= 0 && status < requestsByCode.length()) {
      CounterDataPoint point = requestsByCode.get(status);
      if (point == null) {
        point = requests.labelValues(Integer.toString(status));
        requestsByCode.set(status, point);
      }
      point.inc();
    } else {
      requests.labelValues(Integer.toString(status)).inc();
    }
    duration.observe(latencyNanos / 1e9);
  }

  @Override
  public void onUpstreamError(String reason) {
    upstreamErrors.labelValues(reason).inc();
  }
}
