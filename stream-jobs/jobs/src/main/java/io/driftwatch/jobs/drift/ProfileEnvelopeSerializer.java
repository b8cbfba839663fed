package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.typeinfo.CodecSerializer;
import io.driftwatch.jobs.typeinfo.CodecTypeInfo;
import io.driftwatch.stats.Codec;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Checkpoints reference profiles (published and bootstrapped) in their envelope format. */
public final class ProfileEnvelopeSerializer extends CodecSerializer<ProfileEnvelope> {
  private static final long serialVersionUID = 1L;

  public static final ProfileEnvelopeSerializer INSTANCE = new ProfileEnvelopeSerializer();

  public static final CodecTypeInfo<ProfileEnvelope> TYPE_INFO =
      new CodecTypeInfo<>(ProfileEnvelope.class, INSTANCE);

  @Override
  protected Codec<ProfileEnvelope> codec() {
    return ProfileEnvelope.CODEC;
  }

  @Override
  public ProfileEnvelope createInstance() {
    return ProfileEnvelope.of("-", "", "", 0, ReferenceProfile.of(Map.of()), null);
  }

  @Override
  public boolean isImmutableType() {
    // envelopes are never changed after decoding, so state backends need not copy them
    return true;
  }

  @Override
  public ProfileEnvelope copy(ProfileEnvelope from) {
    return from;
  }

  @Override
  public TypeSerializerSnapshot<ProfileEnvelope> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint; the codec handles format versions itself. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ProfileEnvelope> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
