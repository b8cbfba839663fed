package io.driftwatch.jobs.traffic;

import io.driftwatch.stats.traffic.TrafficSummary;

/**
 * Running totals of one series since the job first saw it, kept in keyed state so counters survive
 * restarts. The same type records what one window has already contributed, so a late firing of that
 * window adds only the difference.
 */
public final class TrafficTotals {
  public double predictions;
  public double clientErrors;
  public double serverErrors;
  public double latencySumSeconds;
  public long latencyCount;

  public TrafficTotals() {}

  static TrafficTotals of(TrafficSummary s) {
    TrafficTotals t = new TrafficTotals();
    t.predictions = s.predictions();
    t.clientErrors = s.clientErrors();
    t.serverErrors = s.serverErrors();
    t.latencySumSeconds = s.latencySumSeconds();
    t.latencyCount = s.latencyCount();
    return t;
  }

  /** Adds {@code now - before} to these totals; {@code before} may be null (nothing yet). */
  void addDifference(TrafficTotals now, TrafficTotals before) {
    TrafficTotals b = before == null ? new TrafficTotals() : before;
    predictions += now.predictions - b.predictions;
    clientErrors += now.clientErrors - b.clientErrors;
    serverErrors += now.serverErrors - b.serverErrors;
    latencySumSeconds += now.latencySumSeconds - b.latencySumSeconds;
    latencyCount += now.latencyCount - b.latencyCount;
  }
}
