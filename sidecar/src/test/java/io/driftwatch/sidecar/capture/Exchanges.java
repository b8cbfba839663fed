package io.driftwatch.sidecar.capture;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds exchanges for tests. */
final class Exchanges {
  private Exchanges() {}

  static Exchange v2(String path, String request, int status, String response) {
    return new Exchange(
        "req-1",
        "POST",
        path,
        new KServeV2Parser(),
        1_700_000_000_000_000L,
        2_500_000L,
        status,
        Map.of("content-type", "application/json"),
        Map.of("content-type", "application/json"),
        bytes(request),
        false,
        bytes(response),
        false,
        "",
        1.0);
  }

  /** A POST exchange read by {@code parser}, JSON both ways. */
  static Exchange of(
      ExchangeParser parser, String path, String request, int status, String response) {
    return new Exchange(
        "req-1",
        "POST",
        path,
        parser,
        1_700_000_000_000_000L,
        2_500_000L,
        status,
        Map.of("content-type", "application/json"),
        Map.of("content-type", "application/json"),
        bytes(request),
        false,
        bytes(response),
        false,
        "",
        1.0);
  }

  static Exchange withBodies(
      Exchange e, byte[] request, boolean requestTruncated, byte[] response, String proxyError) {
    return new Exchange(
        e.predictionId(),
        e.method(),
        e.path(),
        e.parser(),
        e.startEpochMicros(),
        e.latencyNanos(),
        e.status(),
        e.requestHeaders(),
        e.responseHeaders(),
        request,
        requestTruncated,
        response,
        false,
        proxyError,
        e.samplingWeight());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
