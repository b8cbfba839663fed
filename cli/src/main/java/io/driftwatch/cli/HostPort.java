package io.driftwatch.cli;

/** A {@code host:port} option value. */
record HostPort(String host, int port) {

  /**
   * Parses {@code host:port} or {@code :port}.
   *
   * @throws IllegalArgumentException naming the option when the value is malformed
   */
  static HostPort parse(String option, String value) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(option + ": '" + value + "' (expected: host:port)");
    }
    String host = value.substring(0, colon).isEmpty() ? "0.0.0.0" : value.substring(0, colon);
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": '" + value + "' (expected: host:port with port 0..65535)");
    }
  }
}
