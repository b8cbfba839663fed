package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.io.EncodedRecord;
import io.driftwatch.schema.Decoded;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Phase two of the drift branch, keyed by model version: merges the buckets' panes, evaluates each
 * window when the watermark passes its end, and writes MetricSamples (main output) and DriftEvents
 * ({@link #EVENTS}).
 *
 * <p>References: published profiles arrive on the broadcast input and live in broadcast state
 * (every subtask holds all of them, checkpointed), so a new model version's profile is used from
 * the next window on without a restart; a tombstone withdraws one. The buckets' shares of a
 * version's first records are merged in keyed state until they hold the configured number of
 * records, and then frozen as the version's bootstrapped reference.
 */
final class DriftEvaluator
    extends KeyedBroadcastProcessFunction<String, ProfilePart, ProfileUpdate, EncodedRecord> {
  private static final long serialVersionUID = 1L;

  /** Published profiles by {@code model/version}. */
  static final MapStateDescriptor<String, ProfileEnvelope> PUBLISHED =
      new MapStateDescriptor<>(
          "drift-published-profiles", Types.STRING, ProfileEnvelopeSerializer.TYPE_INFO);

  /** Encoded DriftEvents for the events topic. */
  static final OutputTag<EncodedRecord> EVENTS =
      new OutputTag<>("drift-events", TypeInformation.of(EncodedRecord.class));

  private final DriftConfig config;

  private transient MapState<Long, WindowProfile> panes;
  private transient ValueState<WindowProfile> firstRecords;
  private transient ValueState<ProfileEnvelope> bootstrapped;

  DriftEvaluator(DriftConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    panes =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "drift-window-panes", Types.LONG, WindowProfileSerializer.TYPE_INFO));
    firstRecords =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "drift-first-records", WindowProfileSerializer.TYPE_INFO));
    bootstrapped =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "drift-bootstrapped-reference", ProfileEnvelopeSerializer.TYPE_INFO));
  }

  @Override
  public void processElement(ProfilePart part, ReadOnlyContext ctx, Collector<EncodedRecord> out)
      throws Exception {
    WindowProfile p = WindowProfile.CODEC.decode(part.profile);
    if (part.bootstrap) {
      if (bootstrapped.value() != null) {
        return;
      }
      WindowProfile merged = firstRecords.value();
      if (merged == null) {
        merged = p;
      } else {
        merged.merge(p);
      }
      if (merged.observations() >= config.referenceRecords()) {
        bootstrapped.update(DriftEvaluation.bootstrapReference(part.model, part.version, merged));
        firstRecords.clear();
      } else {
        firstRecords.update(merged);
      }
      return;
    }
    WindowProfile pane = panes.get(part.end);
    if (pane == null) {
      panes.put(part.end, p);
      // every window that holds this pane is evaluated, also when later panes stay empty
      long window = config.window().toMillis();
      long slide = config.slide().toMillis();
      for (long end = part.end; end < part.end + window; end += slide) {
        ctx.timerService().registerEventTimeTimer(end - 1);
      }
    } else {
      pane.merge(p);
      panes.put(part.end, pane);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EncodedRecord> out)
      throws Exception {
    long end = timestamp + 1;
    long window = config.window().toMillis();
    long slide = config.slide().toMillis();
    List<Long> expired = new ArrayList<>();
    WindowProfile merged = Panes.window(panes.entries(), end, window, slide, expired);
    for (Long paneEnd : expired) {
      panes.remove(paneEnd);
    }
    if (merged == null) {
      return;
    }
    String series = ctx.getCurrentKey();
    int slash = series.indexOf('/');
    String model = series.substring(0, slash);
    String version = series.substring(slash + 1);
    DriftEvaluation.Result result =
        DriftEvaluation.evaluate(
            DriftEvaluation.References.choose(
                ctx.getBroadcastState(PUBLISHED).get(series), bootstrapped.value()),
            merged,
            config);
    long start = end - window;
    DriftSamples.metrics(model, version, start, end, result).forEach(out::collect);
    for (EncodedRecord e : DriftSamples.events(model, version, start, end, result)) {
      ctx.output(EVENTS, e);
    }
  }

  @Override
  public void processBroadcastElement(
      ProfileUpdate update, Context ctx, Collector<EncodedRecord> out) throws Exception {
    if (update.profile == null) {
      ctx.getBroadcastState(PUBLISHED).remove(update.series);
      return;
    }
    // checked by DecodeProfiles already; decoding cannot fail here, but must not fail the job
    Decoded<ProfileEnvelope> d = ProfileEnvelope.decode(null, update.profile);
    if (d.isOk()) {
      ctx.getBroadcastState(PUBLISHED).put(update.series, d.value());
    }
  }
}
