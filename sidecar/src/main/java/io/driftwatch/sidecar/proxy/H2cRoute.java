package io.driftwatch.sidecar.proxy;

import io.driftwatch.sidecar.capture.CaptureTap;

/**
 * Where the proxy sends HTTP/2 cleartext (h2c, prior knowledge) connections, gRPC above all, and
 * how it captures them.
 *
 * @param upstreamHost the host of the model server's HTTP/2 (gRPC) port
 * @param upstreamPort that port
 * @param tap decides which calls are captured (a tap whose parsers read gRPC paths); null captures
 *     nothing
 */
public record H2cRoute(String upstreamHost, int upstreamPort, CaptureTap tap) {}
