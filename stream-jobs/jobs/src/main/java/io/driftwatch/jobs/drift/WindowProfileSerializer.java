package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.typeinfo.CodecSerializer;
import io.driftwatch.jobs.typeinfo.CodecTypeInfo;
import io.driftwatch.stats.Codec;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Checkpoints {@link WindowProfile}s with their own versioned codec. */
public final class WindowProfileSerializer extends CodecSerializer<WindowProfile> {
  private static final long serialVersionUID = 1L;

  public static final WindowProfileSerializer INSTANCE = new WindowProfileSerializer();

  public static final CodecTypeInfo<WindowProfile> TYPE_INFO =
      new CodecTypeInfo<>(WindowProfile.class, INSTANCE);

  @Override
  protected Codec<WindowProfile> codec() {
    return WindowProfile.CODEC;
  }

  @Override
  public WindowProfile createInstance() {
    return new WindowProfile();
  }

  @Override
  public TypeSerializerSnapshot<WindowProfile> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint; the codec handles format versions itself. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowProfile> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
