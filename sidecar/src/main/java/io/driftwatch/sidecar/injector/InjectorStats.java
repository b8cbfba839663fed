package io.driftwatch.sidecar.injector;

/**
 * What the injector has answered since it started; a snapshot, see {@link InjectorServer#stats()}.
 *
 * @param injected pods that got the sidecar
 * @param alreadyInjected pods that asked for it and already had it
 * @param notRequested reviews that did not ask for it (no annotation, not a pod creation)
 * @param refused pods that asked for it but could not have it; each got a warning saying why
 * @param badRequests requests answered 4xx (not an AdmissionReview, too large, wrong path/method)
 */
public record InjectorStats(
    long injected, long alreadyInjected, long notRequested, long refused, long badRequests) {}
