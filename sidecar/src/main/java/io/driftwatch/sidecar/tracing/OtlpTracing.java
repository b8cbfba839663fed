package io.driftwatch.sidecar.tracing;

import io.driftwatch.sidecar.proxy.ExchangeTracer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's tracing when {@link OtlpSettings#enabled()}: an OpenTelemetry SDK tracer provider
 * whose spans go through a {@link BatchSpanProcessor} to an OTLP/HTTP exporter on the JDK's
 * HttpClient. The event loops only create and end spans and offer them to a bounded queue; one
 * background thread batches and exports. When the collector is down, spans are dropped and counted
 * ({@link #counts()}), and inference is unaffected.
 *
 * <p>Sampling follows the caller: a request whose {@code traceparent} is sampled gets a recorded
 * span, one marked unsampled does not, and a request without trace context starts a sampled trace.
 *
 * <pre>{@code
 * OtlpTracing tracing = OtlpTracing.start(settings, "", "");
 * ProxyServer.start(proxySettings, tap, observer, tracing.tracer());
 * ...
 * tracing.close(Duration.ofSeconds(5));
 * }</pre>
 */
public final class OtlpTracing {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpTracing.class);

  /** The instrumentation scope of the sidecar's spans. */
  public static final String SCOPE = "io.driftwatch.sidecar";

  private static final String SERVICE_NAME = "service.name";

  /** The SDK's default batch size; a smaller queue makes the batch its size. */
  private static final int MAX_BATCH_SPANS = 512;

  private final SdkTracerProvider provider;
  private final SpanCounts counts;
  private final ExchangeTracer tracer;

  private OtlpTracing(SdkTracerProvider provider, SpanCounts counts, ExchangeTracer tracer) {
    this.provider = provider;
    this.counts = counts;
    this.tracer = tracer;
  }

  /**
   * Builds the tracer provider and its exporter. Connects to nothing yet: the collector need not be
   * up, its spans are counted dropped until it is.
   *
   * @param modelOverride the model to put on spans instead of the one the path names; empty for
   *     none
   * @param versionOverride the version to put on spans instead of the path's; empty for none
   * @throws IllegalArgumentException when {@code settings} is not {@link OtlpSettings#enabled()}
   */
  public static OtlpTracing start(
      OtlpSettings settings, String modelOverride, String versionOverride) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException(
          "otlp.endpoint: (empty) (expected: a collector URL to start tracing)");
    }
    SpanCounts counts = new SpanCounts(settings.queueSpans());
    OtlpHttpSpanExporterBuilder exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(settings.tracesUrl())
            .setTimeout(settings.timeout());
    settings.headers().forEach(exporter::addHeader);
    BatchSpanProcessor batch =
        BatchSpanProcessor.builder(new CountingSpanExporter(exporter.build(), counts))
            .setMaxQueueSize(settings.queueSpans())
            .setMaxExportBatchSize(Math.min(MAX_BATCH_SPANS, settings.queueSpans()))
            .setScheduleDelay(settings.batchDelay())
            .setExporterTimeout(settings.timeout())
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource(settings))
            .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            .addSpanProcessor(new AdmittingSpanProcessor(batch, counts))
            .build();
    ExchangeTracer tracer =
        new HttpServerSpans(
            provider.get(SCOPE),
            modelOverride == null ? "" : modelOverride,
            versionOverride == null ? "" : versionOverride);
    LOG.info(
        "sidecar: tracing on; spans of {} to {}, up to {} waiting",
        settings.serviceName(),
        settings.tracesUrl(),
        settings.queueSpans());
    return new OtlpTracing(provider, counts, tracer);
  }

  /**
   * The SDK's default resource (telemetry.sdk.*) with the configured attributes and {@code
   * service.name}. As with {@code OTEL_SERVICE_NAME}, {@code service.name} wins over a {@code
   * service.name} among the resource attributes unless it is left at its default.
   */
  static Resource resource(OtlpSettings settings) {
    AttributesBuilder attributes = Attributes.builder();
    for (Map.Entry<String, String> e : settings.resourceAttributes().entrySet()) {
      attributes.put(e.getKey(), e.getValue());
    }
    boolean defaultName = settings.serviceName().equals(OtlpSettings.DEFAULT_SERVICE_NAME);
    if (!defaultName || !settings.resourceAttributes().containsKey(SERVICE_NAME)) {
      attributes.put(SERVICE_NAME, settings.serviceName());
    }
    return Resource.getDefault().merge(Resource.create(attributes.build()));
  }

  /** What the proxy calls for each exchange. */
  public ExchangeTracer tracer() {
    return tracer;
  }

  /** The span ledger: exported, dropped by reason, waiting. */
  public SpanCounts counts() {
    return counts;
  }

  /**
   * Exports what waits, for up to {@code timeout}, and stops. Spans still waiting then are counted
   * dropped ({@code shutdown}). Call after the proxy has stopped, so no span ends afterwards.
   */
  public void close(Duration timeout) {
    provider.shutdown().join(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    counts.abandonWaiting();
  }
}
