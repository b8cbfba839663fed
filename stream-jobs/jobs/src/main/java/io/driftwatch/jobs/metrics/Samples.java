package io.driftwatch.jobs.metrics;

import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.MetricSample;
import io.driftwatch.schema.v1.MetricType;
import io.driftwatch.schema.v1.SummaryValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Builds MetricSamples for one window and encodes them for the metrics topic. */
public final class Samples {
  private final long windowStart;
  private final long windowEnd;

  public Samples(long windowStart, long windowEnd) {
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
  }

  public MetricSample number(String name, Map<String, String> labels, MetricType type, double v) {
    return base(name, labels, type).setNumber(v).build();
  }

  public MetricSample summary(String name, Map<String, String> labels, SummaryValue v) {
    return base(name, labels, MetricType.SUMMARY).setSummary(v).build();
  }

  private MetricSample.Builder base(String name, Map<String, String> labels, MetricType type) {
    return MetricSample.newBuilder()
        .setSchemaVersion(Records.SCHEMA_VERSION)
        .setName(name)
        .putAllLabels(labels)
        .setType(type)
        .setWindowStartMillis(windowStart)
        .setWindowEndMillis(windowEnd);
  }

  /**
   * Keys a sample by its series (name and sorted labels), so a compacted metrics topic keeps the
   * latest value of every series.
   */
  public static EncodedRecord encode(MetricSample sample) {
    StringBuilder key = new StringBuilder(sample.getName()).append('{');
    new TreeMap<>(sample.getLabelsMap())
        .forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
    key.append('}');
    return new EncodedRecord(key.toString().getBytes(StandardCharsets.UTF_8), sample.toByteArray());
  }
}
