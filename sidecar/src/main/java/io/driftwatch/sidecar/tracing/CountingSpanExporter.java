package io.driftwatch.sidecar.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Counts each batch the real exporter finishes: exported when the collector took it, dropped
 * ({@code export_failed}) when it did not, once its retries are spent. Runs on the batch
 * processor's thread and the sender's completion threads, never on an event loop.
 */
final class CountingSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final SpanCounts counts;

  CountingSpanExporter(SpanExporter delegate, SpanCounts counts) {
    this.delegate = delegate;
    this.counts = counts;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int n = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException e) {
      counts.exportFailed(n);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            counts.exported(n);
          } else {
            counts.exportFailed(n);
          }
        });
    return result;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
