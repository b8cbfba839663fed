package io.driftwatch.exporter;

import io.driftwatch.schema.v1.MetricSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The latest sample of every series (metric name plus labels). A sample for an older window than
 * the one held is ignored, so replaying the topic from the start converges to the same state.
 */
final class SeriesStore {
  private record Entry(MetricSample sample, long updatedMillis) {}

  private final ConcurrentHashMap<String, Entry> series = new ConcurrentHashMap<>();
  private final long ttlMillis;
  private final LongSupplier clock;

  SeriesStore(long ttlMillis, LongSupplier clock) {
    this.ttlMillis = ttlMillis;
    this.clock = clock;
  }

  void update(MetricSample sample) {
    long now = clock.getAsLong();
    series.merge(
        key(sample),
        new Entry(sample, now),
        (old, fresh) ->
            fresh.sample().getWindowEndMillis() >= old.sample().getWindowEndMillis() ? fresh : old);
  }

  /** The live samples, dropping those not updated within the TTL. */
  List<MetricSample> live() {
    long cutoff = clock.getAsLong() - ttlMillis;
    series.values().removeIf(e -> e.updatedMillis() < cutoff);
    List<MetricSample> out = new ArrayList<>(series.size());
    series.values().forEach(e -> out.add(e.sample()));
    return out;
  }

  int size() {
    return series.size();
  }

  private static String key(MetricSample s) {
    Map<String, String> sorted = new TreeMap<>(s.getLabelsMap());
    return s.getName() + sorted;
  }
}
