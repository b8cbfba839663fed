package io.driftwatch.sidecar.admin;

import io.driftwatch.sidecar.capture.CaptureQueue;
import io.driftwatch.sidecar.capture.CaptureStats;
import io.driftwatch.sidecar.proxy.ProxyObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/**
 * The sidecar's Prometheus metrics, registered in a registry of its own (several sidecars may run
 * in one JVM). Traffic metrics are updated by the proxy through {@link ProxyObserver}; capture
 * metrics are read from {@link CaptureStats} and {@link CaptureQueue} at scrape time.
 *
 * <p>Names (documented in docs/metrics.md): {@value #REQUESTS}, {@value #DURATION}, {@value
 * #CAPTURED}, {@value #SENT}, {@value #DROPPED}, {@value #QUEUE_RECORDS}, {@value #QUEUE_BYTES},
 * {@value #UPSTREAM_ERRORS}.
 */
public final class SidecarMetrics implements ProxyObserver {
  public static final String REQUESTS = "driftwatch_sidecar_requests_total";
  public static final String DURATION = "driftwatch_sidecar_request_duration_seconds";
  public static final String CAPTURED = "driftwatch_sidecar_records_captured_total";
  public static final String SENT = "driftwatch_sidecar_records_sent_total";
  public static final String DROPPED = "driftwatch_sidecar_records_dropped_total";
  public static final String QUEUE_RECORDS = "driftwatch_sidecar_capture_queue_records";
  public static final String QUEUE_BYTES = "driftwatch_sidecar_capture_queue_bytes";
  public static final String UPSTREAM_ERRORS = "driftwatch_sidecar_upstream_errors_total";

  /** 100 µs to 10 s, 1-2.5-5 steps: from a cached tabular model to a slow LLM call. */
  static final double[] DURATION_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final List<String> UPSTREAM_REASONS =
      List.of(CONNECT_FAILED, CLOSED_BEFORE_RESPONSE, CLOSED_MID_RESPONSE, BAD_RESPONSE);

  private final Counter requests;
  private final Histogram duration;
  private final Counter upstreamErrors;

  public SidecarMetrics(PrometheusRegistry registry, CaptureStats stats, CaptureQueue queue) {
    requests =
        Counter.builder()
            .name(REQUESTS)
            .help("Requests proxied to the model server, by the HTTP status the client got.")
            .labelNames("code")
            .register(registry);
    duration =
        Histogram.builder()
            .name(DURATION)
            .help("Time from a request's arrival at the sidecar to its response's last byte.")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(DURATION_BUCKETS)
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

  @Override
  public void onExchange(int status, long latencyNanos) {
    requests.labelValues(Integer.toString(status)).inc();
    duration.observe(latencyNanos / 1e9);
  }

  @Override
  public void onUpstreamError(String reason) {
    upstreamErrors.labelValues(reason).inc();
  }
}
