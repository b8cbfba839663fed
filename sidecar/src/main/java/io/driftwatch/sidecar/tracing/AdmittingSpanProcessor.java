package io.driftwatch.sidecar.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Hands ended, sampled spans to the batch processor only while fewer than its queue size wait
 * (queued or in an export not finished yet), and counts the rest dropped ({@code queue_full}). So
 * the batch processor's own queue never overflows, where it would drop spans silently, and every
 * span is accounted for in {@link SpanCounts}. Runs on the event loop that ends the span: a
 * compare-and-set and a non-blocking offer.
 */
final class AdmittingSpanProcessor implements SpanProcessor {
  private final SpanProcessor batch;
  private final SpanCounts counts;

  AdmittingSpanProcessor(SpanProcessor batch, SpanCounts counts) {
    this.batch = batch;
    this.counts = counts;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (span.getSpanContext().isSampled() && counts.admit()) {
      batch.onEnd(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return batch.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return batch.forceFlush();
  }
}
