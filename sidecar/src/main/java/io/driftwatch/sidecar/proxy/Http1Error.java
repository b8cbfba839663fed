package io.driftwatch.sidecar.proxy;

/**
 * The decoder refused what arrived: {@code inBody} when it was a body's framing (a bad chunk), else
 * a head. Nothing after it on the connection is decoded.
 */
record Http1Error(Http1Head.Fault fault, boolean inBody, String detail) {}
