package io.driftwatch.exporter;

import io.driftwatch.schema.MetricCatalog;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders the store's samples as Prometheus snapshots, with help text from the catalog. */
final class SampleCollector implements MultiCollector {
  private final SeriesStore store;

  SampleCollector(SeriesStore store) {
    this.store = store;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<MetricSample>> byName = new TreeMap<>();
    for (MetricSample s : store.live()) {
      byName.computeIfAbsent(s.getName(), n -> new ArrayList<>()).add(s);
    }
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    byName.forEach((name, samples) -> out.metricSnapshot(snapshot(name, samples)));
    return out.build();
  }

  private static MetricSnapshot snapshot(String name, List<MetricSample> samples) {
    String help = MetricCatalog.byName(name).map(MetricCatalog::help).orElse(name);
    MetricType type = samples.get(0).getType();
    switch (type) {
      case COUNTER -> {
        // The client library appends _total itself.
        CounterSnapshot.Builder b =
            CounterSnapshot.builder().name(name.replaceFirst("_total$", "")).help(help);
        for (MetricSample s : samples) {
          b.dataPoint(
              CounterDataPointSnapshot.builder().value(s.getNumber()).labels(labels(s)).build());
        }
        return b.build();
      }
      case SUMMARY -> {
        SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(help);
        for (MetricSample s : samples) {
          List<Quantile> qs = new ArrayList<>();
          s.getSummary()
              .getQuantilesList()
              .forEach(q -> qs.add(new Quantile(q.getQuantile(), q.getValue())));
          b.dataPoint(
              SummaryDataPointSnapshot.builder()
                  .count(s.getSummary().getCount())
                  .sum(s.getSummary().getSum())
                  .quantiles(Quantiles.of(qs))
                  .labels(labels(s))
                  .build());
        }
        return b.build();
      }
      default -> {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (MetricSample s : samples) {
          b.dataPoint(
              GaugeDataPointSnapshot.builder().value(s.getNumber()).labels(labels(s)).build());
        }
        return b.build();
      }
    }
  }

  private static Labels labels(MetricSample s) {
    Labels.Builder b = Labels.builder();
    new TreeMap<>(s.getLabelsMap()).forEach(b::label);
    return b.build();
  }
}
