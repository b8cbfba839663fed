package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.metrics.CountEvent;
import io.driftwatch.schema.MetricCatalog;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Phase one of the drift branch, keyed by model version and bucket: adds each prediction to the
 * {@link WindowProfile} of its event-time pane and emits the pane when the watermark passes its
 * end; until this bucket's share of the version's first records is full, also adds the prediction
 * to that share and emits it once full. Records whose pane has already been emitted are counted as
 * late.
 *
 * <p>Panes are kept in keyed map state; with the default heap state backend an update touches no
 * serializer, so the per-record cost is that of the profiles' {@code add}.
 */
final class PaneAggregator extends KeyedProcessFunction<String, Observation, ProfilePart> {
  private static final long serialVersionUID = 1L;

  /** Late predictions, as counts for {@code driftwatch_drift_records_late_total}. */
  static final OutputTag<CountEvent> LATE =
      new OutputTag<>("drift-late", TypeInformation.of(CountEvent.class));

  private final long paneMillis;
  private final long referenceRecords;
  private final int buckets;

  private transient MapState<Long, WindowProfile> panes;
  private transient ValueState<WindowProfile> sample;
  private transient ValueState<Boolean> sampled;

  PaneAggregator(long paneMillis, long referenceRecords, int buckets) {
    this.paneMillis = paneMillis;
    this.referenceRecords = referenceRecords;
    this.buckets = buckets;
  }

  @Override
  public void open(OpenContext context) {
    panes =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "drift-panes", Types.LONG, WindowProfileSerializer.TYPE_INFO));
    sample =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "drift-first-records", WindowProfileSerializer.TYPE_INFO));
    sampled =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("drift-first-records-done", Types.BOOLEAN));
  }

  @Override
  public void processElement(Observation o, Context ctx, Collector<ProfilePart> out)
      throws Exception {
    long start = Panes.start(ctx.timestamp(), paneMillis);
    long last = start + paneMillis - 1;
    if (last <= ctx.timerService().currentWatermark()) {
      ctx.output(
          LATE,
          new CountEvent(
              MetricCatalog.DRIFT_RECORDS_LATE_TOTAL.metricName(),
              Map.of("model", o.model, "version", o.version)));
      return;
    }
    WindowProfile pane = panes.get(start);
    if (pane == null) {
      pane = new WindowProfile();
      ctx.timerService().registerEventTimeTimer(last);
    }
    pane.add(o);
    panes.put(start, pane);
    if (referenceRecords > 0 && sampled.value() == null) {
      addToFirstRecords(o, out);
    }
  }

  private void addToFirstRecords(Observation o, Collector<ProfilePart> out) throws Exception {
    long quota = Panes.quota(referenceRecords, o.bucket, buckets);
    WindowProfile s = sample.value();
    if (s == null) {
      s = new WindowProfile();
    }
    if (quota > 0) {
      s.add(o);
    }
    if (s.observations() >= quota) {
      if (quota > 0) {
        out.collect(ProfilePart.bootstrap(o.seriesKey(), s));
      }
      sample.clear();
      sampled.update(Boolean.TRUE);
    } else {
      sample.update(s);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfilePart> out)
      throws Exception {
    long start = timestamp - paneMillis + 1;
    WindowProfile pane = panes.get(start);
    if (pane != null) {
      String key = ctx.getCurrentKey();
      String series = key.substring(0, key.lastIndexOf('#'));
      out.collect(ProfilePart.pane(series, start, start + paneMillis, pane));
      panes.remove(start);
    }
  }
}
