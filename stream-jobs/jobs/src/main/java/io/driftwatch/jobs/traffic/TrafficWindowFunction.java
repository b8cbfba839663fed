package io.driftwatch.jobs.traffic;

import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.stats.traffic.TrafficAccumulator;
import io.driftwatch.stats.traffic.TrafficSummary;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's traffic summary into MetricSamples, keeping the series' running totals in keyed
 * state so the counters it emits are cumulative and survive restarts.
 */
public final class TrafficWindowFunction
    extends ProcessWindowFunction<TrafficAccumulator, EncodedRecord, String, TimeWindow> {
  private static final long serialVersionUID = 1L;

  private static final ValueStateDescriptor<TrafficTotals> TOTALS =
      new ValueStateDescriptor<>("traffic-totals", TrafficTotals.class);
  private static final ValueStateDescriptor<TrafficTotals> CONTRIBUTED =
      new ValueStateDescriptor<>("window-contributed", TrafficTotals.class);

  @Override
  public void process(
      String series,
      Context ctx,
      Iterable<TrafficAccumulator> accumulators,
      Collector<EncodedRecord> out)
      throws Exception {
    TrafficSummary summary = accumulators.iterator().next().result();
    ValueState<TrafficTotals> totalsState = ctx.globalState().getState(TOTALS);
    ValueState<TrafficTotals> contributedState = ctx.windowState().getState(CONTRIBUTED);
    TrafficTotals totals = totalsState.value() == null ? new TrafficTotals() : totalsState.value();
    TrafficTotals window = TrafficTotals.of(summary);
    totals.addDifference(window, contributedState.value());
    totalsState.update(totals);
    contributedState.update(window);
    int slash = series.indexOf('/');
    TrafficMetrics.samples(
            series.substring(0, slash),
            series.substring(slash + 1),
            summary,
            totals,
            ctx.window().getStart(),
            ctx.window().getEnd())
        .forEach(out::collect);
  }

  @Override
  public void clear(Context ctx) {
    ctx.windowState().getState(CONTRIBUTED).clear();
  }
}
