package io.driftwatch.stats.traffic;

/**
 * One served prediction as the traffic analysis sees it.
 *
 * @param latencySeconds time from request to the last byte of the response, seconds
 * @param statusCode the HTTP status; 0 when no response came back
 * @param grpcStatus the gRPC status code; 0 (OK) for HTTP/1.1 exchanges
 * @param samplingWeight how many predictions the record stands for; values &lt;= 0 mean 1
 */
public record LatencyObservation(
    double latencySeconds, int statusCode, int grpcStatus, double samplingWeight) {}
