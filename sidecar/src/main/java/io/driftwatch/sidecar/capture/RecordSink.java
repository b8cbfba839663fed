package io.driftwatch.sidecar.capture;

import io.driftwatch.schema.v1.PredictionRecord;
import java.time.Duration;

/**
 * Where captured records go (Kafka in production; a list in tests). Called from the single capture
 * worker thread only, never from an event loop.
 */
public interface RecordSink extends AutoCloseable {

  /**
   * Hands over one record. Must not block longer than the sink's own bound (for Kafka, {@code
   * max.block.ms}). Reports the outcome exactly once through {@code outcome}, now or later, from
   * any thread.
   */
  void send(PredictionRecord record, Outcome outcome);

  /**
   * Delivers what it holds within {@code timeout}, then reports everything still undelivered as
   * dropped with {@link DropReason#SHUTDOWN}, and releases its resources. Idempotent.
   */
  void close(Duration timeout);

  /** Closes with a 5 s timeout. */
  @Override
  default void close() {
    close(Duration.ofSeconds(5));
  }

  /** The outcome of one {@link #send}. */
  interface Outcome {
    void sent();

    /**
     * The record was not and will not be delivered; {@code reason} is one of {@link DropReason}.
     */
    void dropped(String reason);

    /** An outcome that reports to two callbacks, e.g. a stats object's counters. */
    static Outcome of(Runnable onSent, java.util.function.Consumer<String> onDropped) {
      return new Outcome() {
        @Override
        public void sent() {
          onSent.run();
        }

        @Override
        public void dropped(String reason) {
          onDropped.accept(reason);
        }
      };
    }
  }
}
