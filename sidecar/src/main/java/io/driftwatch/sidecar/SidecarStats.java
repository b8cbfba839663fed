package io.driftwatch.sidecar;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of the capture ledger, for progress output. Once the sidecar is quiet (no traffic,
 * queue empty, nothing in flight), {@code captured == sent + dropped}.
 *
 * @param captured records the sidecar took responsibility for (an exchange dropped before parsing
 *     counts as one)
 * @param sent records Kafka acknowledged
 * @param dropped records that were not and will not be delivered, all reasons
 * @param droppedByReason {@code dropped} by reason; every known reason present, sorted
 * @param inFlight records handed to the producer, not yet acknowledged or dropped
 * @param queuedExchanges exchanges waiting in the capture queue (not counted in {@code captured})
 * @param queuedBytes bytes those exchanges hold
 */
public record SidecarStats(
    long captured,
    long sent,
    long dropped,
    Map<String, Long> droppedByReason,
    long inFlight,
    int queuedExchanges,
    long queuedBytes) {

  public SidecarStats {
    droppedByReason = Collections.unmodifiableMap(new TreeMap<>(droppedByReason));
  }
}
