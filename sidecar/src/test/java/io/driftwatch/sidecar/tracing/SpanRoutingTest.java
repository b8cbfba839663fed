package io.driftwatch.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import org.junit.jupiter.api.Test;

/** Span names, model attributes, error types and the forwarded traceparent. */
class SpanRoutingTest {

  @Test
  void servingPathsHaveRoutesAndNameTheirModel() {
    assertThat(ModelRoute.of("/v2/models/iris/infer"))
        .isEqualTo(new ModelRoute("/v2/models/{model}/infer", "iris", ""));
    assertThat(ModelRoute.of("/v2/models/iris/versions/7/infer"))
        .isEqualTo(new ModelRoute("/v2/models/{model}/versions/{version}/infer", "iris", "7"));
    assertThat(ModelRoute.of("/v1/models/credit:predict"))
        .isEqualTo(new ModelRoute("/v1/models/{model}:predict", "credit", ""));
    assertThat(ModelRoute.of("/v1/models/credit/versions/2:predict"))
        .isEqualTo(new ModelRoute("/v1/models/{model}/versions/{version}:predict", "credit", "2"));
    assertThat(ModelRoute.of("/v1/chat/completions"))
        .isEqualTo(new ModelRoute("/v1/chat/completions", "", ""));
  }

  @Test
  void otherPathsHaveNoRoute() {
    assertThat(ModelRoute.of("/v2/health/ready")).isNull();
    assertThat(ModelRoute.of("/v2/models//infer")).isNull();
    assertThat(ModelRoute.of("/v2/models/a/b/infer")).isNull();
    assertThat(ModelRoute.of("/v2/models/iris/versions//infer")).isNull();
    assertThat(ModelRoute.of("/v2/models/infer")).isNull();
    assertThat(ModelRoute.of("/v1/models/:predict")).isNull();
    assertThat(ModelRoute.of("/score")).isNull();
  }

  @Test
  void errorTypesAreLowInCardinality() {
    assertThat(HttpServerSpans.errorType(200, "")).isNull();
    assertThat(HttpServerSpans.errorType(404, "")).isNull();
    assertThat(HttpServerSpans.errorType(503, "")).isEqualTo("503");
    assertThat(HttpServerSpans.errorType(502, "upstream: unreachable (ConnectException: refused)"))
        .isEqualTo("connect_failed");
    assertThat(HttpServerSpans.errorType(502, "upstream: closed before responding"))
        .isEqualTo("closed_before_response");
    assertThat(HttpServerSpans.errorType(200, "upstream: closed mid-response"))
        .isEqualTo("closed_mid_response");
    assertThat(HttpServerSpans.errorType(502, "upstream: invalid response"))
        .isEqualTo("bad_response");
    assertThat(HttpServerSpans.errorType(200, "upstream: invalid response body"))
        .isEqualTo("bad_response");
    assertThat(HttpServerSpans.errorType(0, "client: closed the connection"))
        .isEqualTo("client_closed");
    assertThat(HttpServerSpans.errorType(504, "upstream: timed out after 60 s"))
        .isEqualTo("timeout");
    assertThat(HttpServerSpans.errorType(200, "something new")).isEqualTo("_OTHER");
  }

  @Test
  void theForwardedTraceparentNamesTheSidecarsSpan() {
    SpanContext sampled =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    assertThat(HttpServerSpans.traceparent(sampled))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    SpanContext unsampled =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getDefault(),
            TraceState.getDefault());
    assertThat(HttpServerSpans.traceparent(unsampled)).endsWith("-00");
  }

  @Test
  void theLedgerAdmitsUpToItsCapacityAndCountsTheRest() {
    SpanCounts counts = new SpanCounts(2);
    assertThat(counts.admit()).isTrue();
    assertThat(counts.admit()).isTrue();
    assertThat(counts.admit()).isFalse();
    assertThat(counts.waiting()).isEqualTo(2);
    counts.exported(1);
    assertThat(counts.admit()).isTrue();
    counts.exportFailed(1);
    assertThat(counts.exported()).isEqualTo(1);
    assertThat(counts.droppedByReason())
        .containsEntry(SpanCounts.QUEUE_FULL, 1L)
        .containsEntry(SpanCounts.EXPORT_FAILED, 1L)
        .containsEntry(SpanCounts.SHUTDOWN, 0L);
    assertThat(counts.abandonWaiting()).isEqualTo(1);
    // An export that finishes after shutdown counted its spans is not counted again.
    counts.exported(1);
    assertThat(counts.exported()).isEqualTo(1);
    assertThat(counts.dropped()).isEqualTo(3);
    assertThat(counts.waiting()).isZero();
  }
}
