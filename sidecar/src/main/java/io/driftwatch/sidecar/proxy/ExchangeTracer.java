package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.capture.CaptureTap;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Traces proxied exchanges: the proxy calls {@link #start} when a request head arrives and ends
 * what it returned when the exchange completes. Called on event loops: implementations must be fast
 * and must not block. {@link #OFF} traces nothing and costs one call per request.
 */
public interface ExchangeTracer {
  /** No tracing: {@link #start} returns null and leaves the request alone. */
  ExchangeTracer OFF = (request, path, predictionId) -> null;

  /** The {@code proxyError} of an exchange whose client went away before it was answered. */
  String CLIENT_CLOSED = "client: closed the connection";

  /**
   * A request head arrived and is about to be forwarded. An implementation may rewrite the
   * request's trace context headers (e.g. {@code traceparent}) before the proxy forwards them.
   *
   * @param path the request's path, without the query
   * @param predictionId the id the exchange is captured under
   * @return the span to end when the exchange completes, or null when nothing is traced
   */
  ExchangeSpan start(HttpRequest request, String path, String predictionId);

  /** One traced exchange. Ended once, on the event loop of its connection. */
  interface ExchangeSpan {
    /**
     * The exchange completed or was abandoned.
     *
     * @param status the status the client got; 0 when no response was sent
     * @param proxyError why the proxy answered or gave up itself (e.g. {@code upstream: unreachable
     *     (…)}); empty when the model's answer went through
     * @param decision the capture decision of the request; null when it is not an inference call
     */
    void end(int status, String proxyError, CaptureTap.Decision decision);
  }
}
