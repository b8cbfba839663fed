package io.driftwatch.jobs.traffic;

import io.driftwatch.jobs.typeinfo.CodecSerializer;
import io.driftwatch.jobs.typeinfo.CodecTypeInfo;
import io.driftwatch.stats.Codec;
import io.driftwatch.stats.traffic.TrafficAccumulator;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Checkpoints {@link TrafficAccumulator}s with their own codec. */
public final class TrafficAccumulatorSerializer extends CodecSerializer<TrafficAccumulator> {
  private static final long serialVersionUID = 1L;

  public static final TrafficAccumulatorSerializer INSTANCE = new TrafficAccumulatorSerializer();

  public static final CodecTypeInfo<TrafficAccumulator> TYPE_INFO =
      new CodecTypeInfo<>(TrafficAccumulator.class, INSTANCE);

  @Override
  protected Codec<TrafficAccumulator> codec() {
    return TrafficAccumulator.CODEC;
  }

  @Override
  public TrafficAccumulator createInstance() {
    return new TrafficAccumulator();
  }

  @Override
  public TypeSerializerSnapshot<TrafficAccumulator> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint; the codec handles format versions itself. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrafficAccumulator> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
