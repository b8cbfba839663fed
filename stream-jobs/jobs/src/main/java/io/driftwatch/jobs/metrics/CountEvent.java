package io.driftwatch.jobs.metrics;

import java.util.Map;
import java.util.TreeMap;

/** One occurrence of something the job counts (a rejected record, a late record). */
public final class CountEvent {
  public String metric;
  public TreeMap<String, String> labels;

  public CountEvent() {}

  public CountEvent(String metric, Map<String, String> labels) {
    this.metric = metric;
    this.labels = new TreeMap<>(labels);
  }

  /** The series key: metric name and sorted labels. */
  public String key() {
    return metric + labels;
  }
}
