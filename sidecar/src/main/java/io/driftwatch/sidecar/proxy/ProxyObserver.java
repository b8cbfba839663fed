package io.driftwatch.sidecar.proxy;

/**
 * What the proxy reports about traffic: one call per completed exchange and one per upstream
 * failure. Called on event loops: implementations must be fast and must not block.
 */
public interface ProxyObserver {
  /** Upstream connect failed (refused, timed out, unresolvable). */
  String CONNECT_FAILED = "connect_failed";

  /** Upstream closed the connection before it began the response to a sent request. */
  String CLOSED_BEFORE_RESPONSE = "closed_before_response";

  /** Upstream closed the connection in the middle of a response. */
  String CLOSED_MID_RESPONSE = "closed_mid_response";

  /** Upstream sent something that is not a valid HTTP/1.1 response (or one nobody asked for). */
  String BAD_RESPONSE = "bad_response";

  /** Upstream sent nothing for {@code upstream.read.timeout.ms} while a response was due. */
  String TIMEOUT = "timeout";

  /**
   * An exchange completed: the response's last content was written to the client.
   *
   * @param status the status the client got
   * @param latencyNanos from the request head's arrival to the response's end
   */
  void onExchange(int status, long latencyNanos);

  /** Something went wrong with the model server; {@code reason} is one of the constants above. */
  void onUpstreamError(String reason);
}
