package io.driftwatch.jobs.traffic;

import io.driftwatch.stats.traffic.TrafficAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Delegates each step to {@link TrafficAccumulator}; no statistics live here. */
public final class TrafficAggregate
    implements AggregateFunction<TrafficEvent, TrafficAccumulator, TrafficAccumulator> {
  private static final long serialVersionUID = 1L;

  @Override
  public TrafficAccumulator createAccumulator() {
    return new TrafficAccumulator();
  }

  @Override
  public TrafficAccumulator add(TrafficEvent event, TrafficAccumulator acc) {
    acc.add(event.observation());
    return acc;
  }

  @Override
  public TrafficAccumulator getResult(TrafficAccumulator acc) {
    return acc;
  }

  @Override
  public TrafficAccumulator merge(TrafficAccumulator a, TrafficAccumulator b) {
    a.merge(b);
    return a;
  }
}
