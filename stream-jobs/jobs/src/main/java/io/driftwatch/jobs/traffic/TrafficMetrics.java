package io.driftwatch.jobs.traffic;

import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.jobs.metrics.Samples;
import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.driftwatch.schema.v1.Quantile;
import io.driftwatch.schema.v1.SummaryValue;
import io.driftwatch.stats.traffic.TrafficAccumulator;
import io.driftwatch.stats.traffic.TrafficSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The traffic metrics of docs/metrics.md, built from one window's summary and running totals. */
final class TrafficMetrics {
  static final String PREDICTIONS_TOTAL = MetricCatalog.PREDICTIONS_TOTAL.metricName();
  static final String ERRORS_TOTAL = MetricCatalog.PREDICTION_ERRORS_TOTAL.metricName();
  static final String LATENCY = MetricCatalog.PREDICTION_LATENCY_SECONDS.metricName();
  static final String RATE = MetricCatalog.WINDOW_PREDICTIONS_PER_SECOND.metricName();
  static final String ERROR_RATIO = MetricCatalog.WINDOW_SERVER_ERROR_RATIO.metricName();
  static final String WINDOW_END = MetricCatalog.WINDOW_END_TIMESTAMP_SECONDS.metricName();

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
    HashMap<String, String> m = new HashMap<>(labels);
    m.put(k, v);
    return m;
  }
}
