package io.driftwatch.sidecar.capture;

import java.util.Map;

/**
 * One HTTP exchange as the proxy saw it, handed from the event loop to the capture worker.
 *
 * <p>Immutable by contract: the proxy gives up the body arrays when it builds an exchange and never
 * touches them again, so they are not copied. Bodies hold at most the capture limit; {@code
 * requestTruncated}/{@code responseTruncated} say when there was more.
 *
 * @param predictionId the id returned to the client in {@code x-prediction-id}
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the request path without the query string
 * @param parser the protocol reader that claimed this request
 * @param startEpochMicros when the request head reached the proxy, Unix epoch, microseconds
 * @param latencyNanos from the request head reaching the proxy to the response's last byte written
 * @param status the HTTP status the client got (the model's, or the proxy's own 502)
 * @param requestHeaders headers of interest, lower-case names (content type, trace context, …)
 * @param responseHeaders headers of interest of the response, lower-case names
 * @param requestBody the head of the request body, at most the capture limit
 * @param responseBody the head of the response body; empty when the proxy answered itself
 * @param proxyError what went wrong between proxy and model, e.g. {@code upstream: unreachable};
 *     empty when nothing did
 * @param samplingWeight how many exchanges this one stands for (1 / sampling rate; 1 for errors)
 * @param stream what the proxy noted of a server-sent-events response (read times, event count, the
 *     stream's tail); null for other responses
 */
public record Exchange(
    String predictionId,
    String method,
    String path,
    ExchangeParser parser,
    long startEpochMicros,
    long latencyNanos,
    int status,
    Map<String, String> requestHeaders,
    Map<String, String> responseHeaders,
    byte[] requestBody,
    boolean requestTruncated,
    byte[] responseBody,
    boolean responseTruncated,
    String proxyError,
    double samplingWeight,
    StreamCapture stream) {

  /** An exchange whose response was not a server-sent-events stream. */
  public Exchange(
      String predictionId,
      String method,
      String path,
      ExchangeParser parser,
      long startEpochMicros,
      long latencyNanos,
      int status,
      Map<String, String> requestHeaders,
      Map<String, String> responseHeaders,
      byte[] requestBody,
      boolean requestTruncated,
      byte[] responseBody,
      boolean responseTruncated,
      String proxyError,
      double samplingWeight) {
    this(
        predictionId,
        method,
        path,
        parser,
        startEpochMicros,
        latencyNanos,
        status,
        requestHeaders,
        responseHeaders,
        requestBody,
        requestTruncated,
        responseBody,
        responseTruncated,
        proxyError,
        samplingWeight,
        null);
  }

  /** Bytes charged against the capture queue's byte bound: bodies plus a fixed overhead. */
  public long sizeBytes() {
    return 512L
        + requestBody.length
        + responseBody.length
        + (stream == null ? 0 : stream.sizeBytes());
  }

  /**
   * Whether the response body was cut: longer than the head kept, and for a stream, with bytes
   * missing between the head and the tail.
   */
  public boolean responseIncomplete() {
    if (!responseTruncated) {
      return false;
    }
    return stream == null || stream.tailOffset() > responseBody.length;
  }
}
