package io.driftwatch.jobs.traffic;

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

/** Decodes predictions; what cannot be read goes to the dead-letter side output with its reason. */
public final class DecodePredictions extends ProcessFunction<RawRecord, TrafficEvent> {
  private static final long serialVersionUID = 1L;

  /** Records that could not be decoded. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private transient Counter rejected;

  @Override
  public void open(OpenContext context) {
    rejected = getRuntimeContext().getMetricGroup().counter("recordsRejected");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<TrafficEvent> out) {
    Decoded<PredictionRecord> decoded = Records.decodePrediction(raw.value);
    if (decoded.isOk()) {
      out.collect(TrafficEvent.of(decoded.value()));
    } else {
      rejected.inc();
      ctx.output(DEAD_LETTERS, new DeadLetter(decoded.reasonCode(), decoded.reason(), raw));
    }
  }
}
