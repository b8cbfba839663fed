package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.io.DeadLetter;
import io.driftwatch.jobs.io.RawRecord;
import io.driftwatch.schema.Decoded;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Checks records of the profiles topic: a readable {@link ProfileEnvelope} whose key matches
 * becomes a {@link ProfileUpdate}, a tombstone with a key becomes a withdrawal, and anything else
 * goes to the dead-letter side output with its reason.
 */
final class DecodeProfiles extends ProcessFunction<RawRecord, ProfileUpdate> {
  private static final long serialVersionUID = 1L;

  /** Profile records that could not be read. */
  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("profile-dead-letters", TypeInformation.of(DeadLetter.class));

  private transient Counter rejected;

  @Override
  public void open(OpenContext context) {
    rejected = getRuntimeContext().getMetricGroup().counter("profilesRejected");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<ProfileUpdate> out) {
    if (raw.value == null) {
      if (raw.key == null || raw.key.length == 0) {
        reject(ctx, raw, "empty: a tombstone without a key");
      } else {
        out.collect(new ProfileUpdate(new String(raw.key, StandardCharsets.UTF_8), null));
      }
      return;
    }
    Decoded<ProfileEnvelope> d = ProfileEnvelope.decode(raw.key, raw.value);
    if (d.isOk()) {
      out.collect(new ProfileUpdate(d.value().seriesKey(), raw.value));
    } else {
      reject(ctx, raw, d.reason());
    }
  }

  private void reject(Context ctx, RawRecord raw, String reason) {
    rejected.inc();
    int colon = reason.indexOf(':');
    String code = colon < 0 ? reason : reason.substring(0, colon);
    ctx.output(DEAD_LETTERS, new DeadLetter(code, reason, raw));
  }
}
