package io.driftwatch.sidecar.ingest;

import io.driftwatch.schema.v1.LabelRecord;
import io.driftwatch.sidecar.capture.RecordSink;
import java.time.Duration;

/**
 * Where accepted labels go (Kafka in production; a list in tests). Called from the single label
 * worker thread only, never from a request thread.
 */
public interface LabelSink {

  /**
   * Hands over one label. Must not block longer than the sink's own bound. Reports the outcome
   * exactly once through {@code outcome}, now or later, from any thread.
   */
  void send(LabelRecord label, RecordSink.Outcome outcome);

  /**
   * Delivers what it holds within {@code timeout}, reports the rest dropped ({@code shutdown}), and
   * releases its resources. Idempotent.
   */
  void close(Duration timeout);
}
