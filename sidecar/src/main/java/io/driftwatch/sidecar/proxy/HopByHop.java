package io.driftwatch.sidecar.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The headers that belong to one connection and must not be forwarded (RFC 9110 §7.6.1): {@code
 * Connection} and every header it names, {@code Keep-Alive}, {@code Proxy-*}, {@code TE}, {@code
 * Trailer}, {@code Upgrade}. Framing ({@code Content-Length}, {@code Transfer-Encoding}) is kept:
 * the proxy streams the body as it arrives and re-frames it the same way.
 */
final class HopByHop {
  private static final List<CharSequence> ALWAYS =
      List.of(
          HttpHeaderNames.CONNECTION,
          "keep-alive",
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.UPGRADE,
          "proxy-connection");

  private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding");

  private HopByHop() {}

  static void strip(HttpHeaders headers) {
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !FRAMING.contains(name)) {
          headers.remove(name);
        }
      }
    }
    for (CharSequence name : ALWAYS) {
      headers.remove(name);
    }
  }
}
