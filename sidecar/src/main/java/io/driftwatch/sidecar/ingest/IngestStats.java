package io.driftwatch.sidecar.ingest;

import io.driftwatch.sidecar.capture.DropReason;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ledger of the ingest endpoints: requests by endpoint and status; labels accepted, sent and
 * dropped by reason; KServe logger events received, paired and captured unpaired by reason.
 * Thread-safe. Once quiet, {@code labelsAccepted == labelsSent + labelsDropped}.
 */
public final class IngestStats {
  /** The {@code endpoint} label of {@code POST /v1/labels}. */
  public static final String LABELS = "labels";

  /** The {@code endpoint} label of {@code POST /v1/cloudevents}. */
  public static final String CLOUDEVENTS = "cloudevents";

  /** A request event waited the whole pairing timeout without its response. */
  public static final String NO_RESPONSE = "no_response";

  /** A response event waited the whole pairing timeout without its request. */
  public static final String NO_REQUEST = "no_request";

  /** Too many events were waiting: the oldest was captured without its other half. */
  public static final String EVICTED = "evicted";

  /** A second event of the same type and id arrived; the first was captured alone. */
  public static final String DUPLICATE = "duplicate";

  /** The sidecar stopped while the event waited. */
  public static final String SHUTDOWN = "shutdown";

  /** Every reason an event is captured unpaired, so each series exists from start-up. */
  public static final List<String> UNPAIRED_REASONS =
      List.of(NO_RESPONSE, NO_REQUEST, EVICTED, DUPLICATE, SHUTDOWN);

  private final Map<List<String>, LongAdder> requests = new ConcurrentHashMap<>();
  private final LongAdder labelsAccepted = new LongAdder();
  private final LongAdder labelsSent = new LongAdder();
  private final Map<String, LongAdder> labelsDropped = new ConcurrentHashMap<>();
  private final LongAdder requestEvents = new LongAdder();
  private final LongAdder responseEvents = new LongAdder();
  private final LongAdder paired = new LongAdder();
  private final Map<String, LongAdder> unpaired = new ConcurrentHashMap<>();

  public IngestStats() {
    for (String reason : DropReason.ALL) {
      labelsDropped.put(reason, new LongAdder());
    }
    for (String reason : UNPAIRED_REASONS) {
      unpaired.put(reason, new LongAdder());
    }
  }

  /** Counts one answered request. */
  void request(String endpoint, int status) {
    requests
        .computeIfAbsent(List.of(endpoint, Integer.toString(status)), k -> new LongAdder())
        .increment();
  }

  void labelsAccepted(int n) {
    labelsAccepted.add(n);
  }

  void labelSent() {
    labelsSent.increment();
  }

  void labelDropped(String reason) {
    labelsDropped.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  void eventReceived(boolean request) {
    (request ? requestEvents : responseEvents).increment();
  }

  void pairedOne() {
    paired.increment();
  }

  void unpaired(String reason) {
    unpaired.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Answered requests by [endpoint, status code]. */
  public Map<List<String>, Long> requests() {
    Map<List<String>, Long> out =
        new TreeMap<>((a, b) -> String.join(" ", a).compareTo(String.join(" ", b)));
    requests.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Labels accepted into the label queue. */
  public long labelsAccepted() {
    return labelsAccepted.sum();
  }

  /** Labels acknowledged by Kafka. */
  public long labelsSent() {
    return labelsSent.sum();
  }

  /** Labels accepted but not delivered, by reason (one of {@link DropReason}); all present. */
  public Map<String, Long> labelsDropped() {
    return sums(labelsDropped);
  }

  /** Request events received and accepted. */
  public long requestEvents() {
    return requestEvents.sum();
  }

  /** Response events received and accepted. */
  public long responseEvents() {
    return responseEvents.sum();
  }

  /** Exchanges whose request and response events were paired. */
  public long paired() {
    return paired.sum();
  }

  /** Events captured without their other half, by reason; every reason present. */
  public Map<String, Long> unpaired() {
    return sums(unpaired);
  }

  private static Map<String, Long> sums(Map<String, LongAdder> adders) {
    Map<String, Long> out = new TreeMap<>();
    adders.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
