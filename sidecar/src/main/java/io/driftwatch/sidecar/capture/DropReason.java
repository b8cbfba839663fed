package io.driftwatch.sidecar.capture;

import java.util.List;

/** The values of the {@code reason} label of {@code driftwatch_sidecar_records_dropped_total}. */
public final class DropReason {
  /** The capture queue was full (records or bytes) when the exchange completed. */
  public static final String QUEUE_FULL = "queue_full";

  /** The producer could not take the record within {@code max.block.ms}, or delivery timed out. */
  public static final String KAFKA_TIMEOUT = "kafka_timeout";

  /** The broker or the producer refused the record for another reason. */
  public static final String KAFKA_ERROR = "kafka_error";

  /** No producer could be created (e.g. the bootstrap address does not resolve yet). */
  public static final String KAFKA_UNAVAILABLE = "kafka_unavailable";

  /** The encoded record is larger than the producer or broker accepts. */
  public static final String RECORD_TOO_LARGE = "record_too_large";

  /** The sidecar stopped before the record was delivered. */
  public static final String SHUTDOWN = "shutdown";

  /** A defect: turning the exchange into records threw. */
  public static final String INTERNAL_ERROR = "internal_error";

  /** Every reason, so each series exists from start-up at 0. */
  public static final List<String> ALL =
      List.of(
          QUEUE_FULL,
          KAFKA_TIMEOUT,
          KAFKA_ERROR,
          KAFKA_UNAVAILABLE,
          RECORD_TOO_LARGE,
          SHUTDOWN,
          INTERNAL_ERROR);

  private DropReason() {}
}
