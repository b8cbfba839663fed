package io.driftwatch.jobs.traffic;

import io.driftwatch.jobs.drift.Observation;
import io.driftwatch.jobs.drift.ObservationSerializer;
import io.driftwatch.jobs.io.DeadLetter;
import io.driftwatch.jobs.io.RawRecord;
import io.driftwatch.schema.Decoded;
import io.driftwatch.schema.Records;
import io.driftwatch.schema.v1.PredictionRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes predictions once for every branch: the traffic projection on the main output, the drift
 * projection on {@link #OBSERVATIONS}; what cannot be read goes to the dead-letter side output with
 * its reason.
 *
 * <p>Why two outputs rather than one record carrying both projections: each branch shuffles its
 * records by its own key, and the traffic branch would otherwise serialize every feature and output
 * of every prediction across the network only to ignore them.
 */
public final class DecodePredictions extends ProcessFunction<RawRecord, TrafficEvent> {
  private static final long serialVersionUID = 1L;

  /** Records that could not be decoded. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /** The drift branch's projection of every decoded prediction (when the branch is on). */
  public static final OutputTag<Observation> OBSERVATIONS =
      new OutputTag<>("observations", ObservationSerializer.TYPE_INFO);

  private final int driftBuckets;
  private transient Counter rejected;
  private transient long sequence;

  /** Decodes for the traffic branch only. */
  public DecodePredictions() {
    this(0);
  }

  /**
   * @param driftBuckets pre-aggregation buckets of the drift branch; 0 when the branch is off and
   *     no observations are emitted
   */
  public DecodePredictions(int driftBuckets) {
    this.driftBuckets = driftBuckets;
  }

  @Override
  public void open(OpenContext context) {
    rejected = getRuntimeContext().getMetricGroup().counter("recordsRejected");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<TrafficEvent> out) {
    PredictionProjection p = PredictionProjection.parse(raw.value);
    if (p != null) {
      out.collect(p.trafficEvent());
      if (driftBuckets > 0) {
        ctx.output(
            OBSERVATIONS,
            Observation.of(
                p.model,
                p.version,
                p.predictionId,
                p.features,
                p.outputs,
                driftBuckets,
                sequence++));
      }
      return;
    }
    // Anything the fast path does not take: the full decoder, which also gives reasons.
    Decoded<PredictionRecord> decoded = Records.decodePrediction(raw.value);
    if (decoded.isOk()) {
      PredictionRecord r = decoded.value();
      out.collect(TrafficEvent.of(r));
      if (driftBuckets > 0) {
        ctx.output(OBSERVATIONS, Observation.of(r, driftBuckets, sequence++));
      }
    } else {
      rejected.inc();
      ctx.output(DEAD_LETTERS, new DeadLetter(decoded.reasonCode(), decoded.reason(), raw));
    }
  }
}
