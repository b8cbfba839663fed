package io.driftwatch.demo;

/**
 * A client error in an Open Inference Protocol request, carrying the HTTP status and the reason
 * that goes on the wire.
 */
final class InvalidRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;

  InvalidRequestException(int status, String reason) {
    // No stack trace: this is an expected outcome of bad input, raised per request, and the trace
    // would never be shown to anyone.
    super(reason, null, false, false);
    this.status = status;
  }

  static InvalidRequestException badRequest(String reason) {
    return new InvalidRequestException(400, reason);
  }

  int status() {
    return status;
  }
}
