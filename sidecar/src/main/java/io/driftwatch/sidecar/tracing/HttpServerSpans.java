package io.driftwatch.sidecar.tracing;

import io.driftwatch.sidecar.capture.CaptureTap;
import io.driftwatch.sidecar.proxy.ExchangeTracer;
import io.driftwatch.sidecar.proxy.ProxyObserver;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Set;

/**
 * One SERVER span per proxied exchange, child of the request's W3C {@code traceparent} (a new root
 * when it has none or a malformed one), with the stable HTTP semantic-convention attributes and
 * Driftwatch's own ({@code driftwatch.*}).
 *
 * <p>Like Envoy and other tracing proxies, the sidecar forwards a {@code traceparent} naming its
 * own span as the parent, so the model server's spans nest under the sidecar's and the time between
 * them is the proxy's. {@code tracestate} is forwarded exactly as received: the sidecar adds no
 * entry of its own. When the request is not sampled (flag {@code 00}) no span is recorded, and the
 * forwarded {@code traceparent} keeps the trace id and the flag.
 */
final class HttpServerSpans implements ExchangeTracer {
  static final String TRACEPARENT = "traceparent";

  static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      AttributeKey.stringKey("http.request.method_original");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");
  static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  static final AttributeKey<String> MODEL = AttributeKey.stringKey("driftwatch.model");
  static final AttributeKey<String> MODEL_VERSION =
      AttributeKey.stringKey("driftwatch.model.version");
  static final AttributeKey<String> PREDICTION_ID =
      AttributeKey.stringKey("driftwatch.prediction.id");
  static final AttributeKey<Boolean> CAPTURED = AttributeKey.booleanKey("driftwatch.captured");
  static final AttributeKey<Boolean> SAMPLED = AttributeKey.booleanKey("driftwatch.sampled");

  /** The {@code error.type} of a client that went away before its response was complete. */
  static final String CLIENT_CLOSED = "client_closed";

  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** Proxy error texts (their prefixes) and the low-cardinality {@code error.type} of each. */
  private static final String[][] ERROR_TYPES = {
    {"upstream: unreachable", ProxyObserver.CONNECT_FAILED},
    {"upstream: closed before", ProxyObserver.CLOSED_BEFORE_RESPONSE},
    {"upstream: closed mid", ProxyObserver.CLOSED_MID_RESPONSE},
    {"upstream: invalid response", ProxyObserver.BAD_RESPONSE},
    {"upstream: timed out", ProxyObserver.TIMEOUT},
    {"client: closed", CLIENT_CLOSED},
  };

  /** Reads headers by name; the W3C propagator never lists them. */
  private static final TextMapGetter<HttpHeaders> HEADERS =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private final Tracer tracer;
  private final String modelOverride;
  private final String versionOverride;

  /**
   * @param modelOverride the model to record instead of the one the path names; empty for none
   * @param versionOverride the version to record instead of the path's; empty for none
   */
  HttpServerSpans(Tracer tracer, String modelOverride, String versionOverride) {
    this.tracer = tracer;
    this.modelOverride = modelOverride;
    this.versionOverride = versionOverride;
  }

  @Override
  public ExchangeSpan start(HttpRequest request, String path, String predictionId) {
    HttpHeaders headers = request.headers();
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    String method = request.method().name();
    ModelRoute route = ModelRoute.of(path);
    SpanBuilder b =
        tracer
            .spanBuilder(route == null ? method : method + " " + route.template())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(URL_SCHEME, "http")
            .setAttribute(URL_PATH, path)
            .setAttribute(PREDICTION_ID, predictionId);
    if (KNOWN_METHODS.contains(method)) {
      b.setAttribute(HTTP_REQUEST_METHOD, method);
    } else {
      b.setAttribute(HTTP_REQUEST_METHOD, "_OTHER")
          .setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, method);
    }
    HttpVersion version = request.protocolVersion();
    b.setAttribute(
        NETWORK_PROTOCOL_VERSION,
        version.minorVersion() == 0 && version.majorVersion() == 1 ? "1.0" : "1.1");
    setServer(b, headers.get(HttpHeaderNames.HOST));
    String agent = headers.get(HttpHeaderNames.USER_AGENT);
    if (agent != null) {
      b.setAttribute(USER_AGENT, agent);
    }
    String model = modelOverride;
    String modelVersion = versionOverride;
    if (route != null) {
      b.setAttribute(HTTP_ROUTE, route.template());
      model = model.isEmpty() ? route.model() : model;
      modelVersion = modelVersion.isEmpty() ? route.version() : modelVersion;
    }
    if (!model.isEmpty()) {
      b.setAttribute(MODEL, model);
    }
    if (!modelVersion.isEmpty()) {
      b.setAttribute(MODEL_VERSION, modelVersion);
    }
    Span span = b.startSpan();
    SpanContext context = span.getSpanContext();
    if (context.isValid()) {
      headers.set(TRACEPARENT, traceparent(context));
    }
    return new Exchange(span);
  }

  /** A version-00 {@code traceparent} naming {@code context} as the parent. */
  static String traceparent(SpanContext context) {
    return new StringBuilder(55)
        .append("00-")
        .append(context.getTraceId())
        .append('-')
        .append(context.getSpanId())
        .append('-')
        .append(context.getTraceFlags().asHex())
        .toString();
  }

  /** Sets {@code server.address} and {@code server.port} from a {@code Host} header. */
  private static void setServer(SpanBuilder b, String host) {
    if (host == null || host.isEmpty()) {
      return;
    }
    String address = host;
    int colon = host.lastIndexOf(':');
    int bracket = host.lastIndexOf(']');
    if (colon > bracket && colon > 0) {
      address = host.substring(0, colon);
      try {
        int port = Integer.parseInt(host.substring(colon + 1));
        if (port > 0 && port <= 65535) {
          b.setAttribute(SERVER_PORT, (long) port);
        }
      } catch (NumberFormatException e) {
        // A bad port in Host is the client's business; the address is still worth recording.
      }
    }
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    b.setAttribute(SERVER_ADDRESS, address);
  }

  /**
   * The {@code error.type} of an exchange, or null when it did not fail. A proxy failure maps to
   * the reason {@link ProxyObserver} counts it under; a 5xx from the model to its status code, as
   * the HTTP semantic conventions ask; anything else the proxy reports to {@code _OTHER}.
   */
  static String errorType(int status, String proxyError) {
    if (proxyError != null && !proxyError.isEmpty()) {
      for (String[] known : ERROR_TYPES) {
        if (proxyError.startsWith(known[0])) {
          return known[1];
        }
      }
      return status >= 500 ? Integer.toString(status) : "_OTHER";
    }
    return status >= 500 ? Integer.toString(status) : null;
  }

  /** The span of one exchange. */
  private static final class Exchange implements ExchangeSpan {
    private final Span span;

    Exchange(Span span) {
      this.span = span;
    }

    @Override
    public void end(int status, String proxyError, CaptureTap.Decision decision) {
      if (span.isRecording()) {
        if (status > 0) {
          span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
        }
        String errorType = errorType(status, proxyError);
        if (errorType != null) {
          span.setAttribute(ERROR_TYPE, errorType);
          if (proxyError == null || proxyError.isEmpty()) {
            span.setStatus(StatusCode.ERROR);
          } else {
            span.setStatus(StatusCode.ERROR, proxyError);
          }
        }
        span.setAttribute(CAPTURED, decision != null && decision.records(status));
        span.setAttribute(SAMPLED, decision != null && decision.sampled());
      }
      span.end();
    }
  }
}
