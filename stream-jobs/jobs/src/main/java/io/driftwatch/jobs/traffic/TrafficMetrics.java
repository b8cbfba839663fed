package io.driftwatch.jobs.traffic;

import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.jobs.metrics.Samples;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.driftwatch.schema.v1.Quantile;
import io.driftwatch.schema.v1.SummaryValue;
import io.driftwatch.stats.traffic.TrafficAccumulator;
import io.driftwatch.stats.traffic.TrafficSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The traffic metrics of docs/metrics.md, built from one window's summary and running totals. */
final class TrafficMetrics {
  static final String PREDICTIONS_TOTAL = "driftwatch_predictions_total";
  static final String ERRORS_TOTAL = "driftwatch_prediction_errors_total";
  static final String LATENCY = "driftwatch_prediction_latency_seconds";
  static final String RATE = "driftwatch_window_predictions_per_second";
  static final String ERROR_RATIO = "driftwatch_window_server_error_ratio";
  static final String WINDOW_END = "driftwatch_window_end_timestamp_seconds";

  private TrafficMetrics() {}

  static List<EncodedRecord> samples(
      String model,
      String version,
      TrafficSummary window,
      TrafficTotals totals,
      long windowStart,
      long windowEnd) {
    Map<String, String> series = Map.of("model", model, "version", version);
    double seconds = (windowEnd - windowStart) / 1000.0;
    Samples s = new Samples(windowStart, windowEnd);
    List<MetricSample> out = new ArrayList<>();
    out.add(s.number(PREDICTIONS_TOTAL, series, MetricType.COUNTER, totals.predictions));
    out.add(
        s.number(
            ERRORS_TOTAL,
            with(series, "class", "client"),
            MetricType.COUNTER,
            totals.clientErrors));
    out.add(
        s.number(
            ERRORS_TOTAL,
            with(series, "class", "server"),
            MetricType.COUNTER,
            totals.serverErrors));
    SummaryValue.Builder latency =
        SummaryValue.newBuilder()
            .setCount(totals.latencyCount)
            .setSum(totals.latencySumSeconds)
            .setRankError(window.rankError());
    for (int i = 0; i < TrafficAccumulator.QUANTILES.length; i++) {
      if (!Double.isNaN(window.quantiles()[i])) {
        latency.addQuantiles(
            Quantile.newBuilder()
                .setQuantile(TrafficAccumulator.QUANTILES[i])
                .setValue(window.quantiles()[i]));
      }
    }
    out.add(s.summary(LATENCY, series, latency.build()));
    out.add(s.number(RATE, series, MetricType.GAUGE, window.predictions() / seconds));
    if (window.predictions() > 0) {
      out.add(s.number(ERROR_RATIO, series, MetricType.GAUGE, window.serverErrorRatio()));
    }
    out.add(s.number(WINDOW_END, series, MetricType.GAUGE, windowEnd / 1000.0));
    return out.stream().map(Samples::encode).toList();
  }

  private static Map<String, String> with(Map<String, String> labels, String k, String v) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(labels);
    m.put(k, v);
    return m;
  }
}
