package io.driftwatch.sidecar.ingest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The HTTP plumbing the ingest endpoints share: bounded body reads and short JSON answers. */
final class IngestHttp {
  private IngestHttp() {}

  /** A body larger than the limit. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  /**
   * Reads the request body, at most {@code maxBytes}.
   *
   * @throws TooLarge when the declared or actual length is larger
   */
  static byte[] readBody(HttpExchange exchange, int maxBytes) throws IOException, TooLarge {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > maxBytes) {
          throw new TooLarge();
        }
      } catch (NumberFormatException e) {
        // The server itself rejects a malformed length; a chunked body is bounded below.
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw new TooLarge();
      }
      return body;
    }
  }

  /** Answers {@code {"error": reason}} with {@code status}. */
  static void error(HttpExchange exchange, int status, String reason) throws IOException {
    respond(exchange, status, "{\"error\":\"" + escape(reason) + "\"}");
  }

  /** Answers a JSON body. */
  static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Answers 405 unless the method is POST; true when it did. */
  static boolean refuseNonPost(HttpExchange exchange) throws IOException {
    if ("POST".equals(exchange.getRequestMethod())) {
      return false;
    }
    exchange.getResponseHeaders().set("Allow", "POST");
    error(exchange, 405, "method " + exchange.getRequestMethod() + " (expected: POST)");
    return true;
  }

  static String escape(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }
}
