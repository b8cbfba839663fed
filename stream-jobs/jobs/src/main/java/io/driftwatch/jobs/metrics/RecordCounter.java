package io.driftwatch.jobs.metrics;

import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.schema.v1.MetricType;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps a running count per series of {@link CountEvent}s and publishes it as a counter sample at
 * most once per {@value #PUBLISH_INTERVAL_MILLIS} ms, so a flood of bad records yields a handful of
 * samples, not one per record.
 */
public final class RecordCounter extends KeyedProcessFunction<String, CountEvent, EncodedRecord> {
  private static final long serialVersionUID = 1L;
  static final long PUBLISH_INTERVAL_MILLIS = 1000;

  private static final ValueStateDescriptor<Long> COUNT =
      new ValueStateDescriptor<>("count", Types.LONG);
  private static final ValueStateDescriptor<CountEvent> SERIES =
      new ValueStateDescriptor<>("series", CountEvent.class);
  private static final ValueStateDescriptor<Boolean> PENDING =
      new ValueStateDescriptor<>("publish-pending", Types.BOOLEAN);

  @Override
  public void processElement(CountEvent event, Context ctx, Collector<EncodedRecord> out)
      throws Exception {
    ValueState<Long> count = getRuntimeContext().getState(COUNT);
    count.update(count.value() == null ? 1 : count.value() + 1);
    getRuntimeContext().getState(SERIES).update(event);
    ValueState<Boolean> pending = getRuntimeContext().getState(PENDING);
    if (pending.value() == null) {
      pending.update(Boolean.TRUE);
      long now = ctx.timerService().currentProcessingTime();
      ctx.timerService().registerProcessingTimeTimer(now + PUBLISH_INTERVAL_MILLIS);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EncodedRecord> out)
      throws Exception {
    getRuntimeContext().getState(PENDING).clear();
    CountEvent series = getRuntimeContext().getState(SERIES).value();
    Long count = getRuntimeContext().getState(COUNT).value();
    Samples s = new Samples(timestamp - PUBLISH_INTERVAL_MILLIS, timestamp);
    out.collect(Samples.encode(s.number(series.metric, series.labels, MetricType.COUNTER, count)));
  }
}
