package io.driftwatch.sidecar.ingest;

/**
 * One KServe payload-logger event, as read from a binary-mode CloudEvents HTTP request.
 *
 * @param id {@code ce-id}: the inference's id, shared by its request and response events
 * @param request true for {@code org.kubeflow.serving.inference.request}, false for {@code
 *     .response}
 * @param service {@code ce-inferenceservicename}; empty when absent
 * @param component {@code ce-component} (e.g. {@code predictor}); empty when absent
 * @param timeMicros when the event happened, Unix epoch, microseconds: {@code ce-recordedtime},
 *     else {@code ce-time}, else its arrival
 * @param contentType the payload's content type; empty when absent
 * @param traceparent the W3C trace context that came with the event; empty when none
 * @param data the payload, at most the capture limit
 * @param truncated whether the payload was longer than {@code data}
 */
public record CloudEvent(
    String id,
    boolean request,
    String service,
    String component,
    long timeMicros,
    String contentType,
    String traceparent,
    byte[] data,
    boolean truncated) {

  /** Request and response events with the same key belong together. */
  String pairingKey() {
    return service + '\n' + component + '\n' + id;
  }

  /** Bytes charged against the pending bound: the payload plus a fixed overhead. */
  long sizeBytes() {
    return 512L + data.length;
  }
}
