package io.driftwatch.sidecar.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The headers that belong to one connection and must not be forwarded (RFC 9110 §7.6.1): {@code
 * Connection} and every header it names, {@code Keep-Alive}, {@code Proxy-*}, {@code TE}, {@code
 * Trailer}, {@code Upgrade}. Framing ({@code Content-Length}, {@code Transfer-Encoding}) is kept:
 * the proxy streams the body as it arrives and re-frames it the same way.
 */
final class HopByHop {
  private static final CharSequence[] ALWAYS = {
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.KEEP_ALIVE,
    HttpHeaderNames.PROXY_AUTHENTICATE,
    HttpHeaderNames.PROXY_AUTHORIZATION,
    HttpHeaderNames.TE,
    HttpHeaderNames.TRAILER,
    HttpHeaderNames.UPGRADE,
    "proxy-connection"
  };

  private HopByHop() {}

  /**
   * Removes the hop-by-hop headers. One pass over the headers finds them, and nothing is allocated
   * when there are none: this runs twice an exchange, on request and response.
   */
  static void strip(HttpHeaders headers) {
    List<CharSequence> remove = null;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      CharSequence name = header.getKey();
      if (!isHopByHop(name)) {
        continue;
      }
      if (remove == null) {
        remove = new ArrayList<>(4);
      }
      remove.add(name);
      if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
        addNamed(header.getValue(), remove);
      }
    }
    if (remove != null) {
      for (CharSequence name : remove) {
        headers.remove(name);
      }
    }
  }

  private static boolean isHopByHop(CharSequence name) {
    for (CharSequence always : ALWAYS) {
      if (AsciiString.contentEqualsIgnoreCase(name, always)) {
        return true;
      }
    }
    return false;
  }

  /** The header names a Connection value lists, framing headers left out. */
  private static void addNamed(CharSequence connection, List<CharSequence> remove) {
    int n = connection.length();
    int start = 0;
    while (start <= n) {
      int end = start;
      while (end < n && connection.charAt(end) != ',') {
        end++;
      }
      CharSequence token = AsciiString.trim(connection.subSequence(start, end));
      if (token.length() > 0
          && !AsciiString.contentEqualsIgnoreCase(token, HttpHeaderNames.CONTENT_LENGTH)
          && !AsciiString.contentEqualsIgnoreCase(token, HttpHeaderNames.TRANSFER_ENCODING)) {
        remove.add(token);
      }
      start = end + 1;
    }
  }
}
