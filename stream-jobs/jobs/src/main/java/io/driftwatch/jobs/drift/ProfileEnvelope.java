package io.driftwatch.jobs.drift;

import io.driftwatch.schema.Decoded;
import io.driftwatch.stats.Codec;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A model version's reference profile as it is stored in files and published on the profiles topic:
 * which model version it describes, where it came from, and the {@link ReferenceProfile}s of its
 * inputs and of its outputs (the latter may be empty).
 *
 * <p>Wire format, version 1 (big-endian; lengths are int32; strings are UTF-8):
 *
 * <pre>
 * magic       4 bytes   "DWRP" (0x44 0x57 0x52 0x50)
 * version     1 byte    1
 * checksum    4 bytes   CRC-32C (java.util.zip.CRC32C) of every byte after it
 * model       length + bytes      non-empty
 * version     length + bytes      the model version; may be empty
 * source      length + bytes      free text, e.g. "training data train.csv"; may be empty
 * created     int64               Unix epoch milliseconds; 0 when unknown
 * inputs      length + bytes      ReferenceProfile.CODEC encoding of the input features
 * outputs     length + bytes      ReferenceProfile.CODEC encoding of the outputs; length 0: none
 * </pre>
 *
 * <p>On the profiles topic ({@code driftwatch.profiles}, compacted) the record key is {@code
 * model/version} in UTF-8 and must match the envelope; the value is the envelope. A record with a
 * null value (a tombstone) withdraws the published profile of its key, and the job goes back to the
 * version's first records. Readers accept every version ever written; a writer of a newer format
 * bumps the version byte.
 *
 * <p>{@link #decode} never throws: it returns the envelope or a reason whose first word is a
 * bounded metric label: {@code empty}, {@code not_profile} (no magic), {@code unsupported_version},
 * {@code invalid} (corrupt or truncated), {@code key_mismatch}. The checksum is verified before the
 * profiles are decoded: the profile codecs trust the lengths they read, so a corrupted profile must
 * never reach them (one flipped byte can otherwise ask for gigabytes).
 */
public final class ProfileEnvelope {

  /** The format version this class writes. */
  public static final byte FORMAT_VERSION = 1;

  private static final byte[] MAGIC = {'D', 'W', 'R', 'P'};

  /** The versioned codec (starts with the magic, then the version byte). */
  public static final Codec<ProfileEnvelope> CODEC = new EnvelopeCodec();

  private final String model;
  private final String modelVersion;
  private final String source;
  private final long createdMillis;
  private final ReferenceProfile inputs;
  private final ReferenceProfile outputs;

  private ProfileEnvelope(
      String model,
      String modelVersion,
      String source,
      long createdMillis,
      ReferenceProfile inputs,
      ReferenceProfile outputs) {
    this.model = model;
    this.modelVersion = modelVersion;
    this.source = source;
    this.createdMillis = createdMillis;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /**
   * An envelope.
   *
   * @param outputs the outputs' profile; null or empty when the reference has none, and the job
   *     then uses the version's first records for prediction drift
   * @throws IllegalArgumentException for an empty model name or a model name containing '/'
   */
  public static ProfileEnvelope of(
      String model,
      String modelVersion,
      String source,
      long createdMillis,
      ReferenceProfile inputs,
      ReferenceProfile outputs) {
    if (model == null || model.isEmpty() || model.indexOf('/') >= 0) {
      throw new IllegalArgumentException("model: '" + model + "' (expected: non-empty, no '/')");
    }
    return new ProfileEnvelope(
        model,
        Objects.requireNonNullElse(modelVersion, ""),
        Objects.requireNonNullElse(source, ""),
        createdMillis,
        Objects.requireNonNull(inputs, "inputs"),
        outputs == null ? ReferenceProfile.of(Map.of()) : outputs);
  }

  /** Encodes this envelope: the bytes of a profile file, or the value of a profiles record. */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /** The Kafka record key for the profiles topic: {@code model/version}, UTF-8. */
  public byte[] kafkaKey() {
    return seriesKey().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code model/version}. */
  public String seriesKey() {
    return model + "/" + modelVersion;
  }

  /**
   * Reads an envelope; never throws.
   *
   * @param key the Kafka key; when not null it must equal {@link #kafkaKey()} of the envelope
   * @param value the envelope bytes
   */
  public static Decoded<ProfileEnvelope> decode(byte[] key, byte[] value) {
    if (value == null || value.length == 0) {
      return Decoded.failed("empty: no bytes");
    }
    if (value.length < MAGIC.length + 1
        || !Arrays.equals(Arrays.copyOf(value, MAGIC.length), MAGIC)) {
      return Decoded.failed("not_profile: the value does not start with the magic DWRP");
    }
    if (value[MAGIC.length] != FORMAT_VERSION) {
      return Decoded.failed(
          "unsupported_version: format version "
              + value[MAGIC.length]
              + " (expected: "
              + FORMAT_VERSION
              + ")");
    }
    ProfileEnvelope e;
    try {
      e = CODEC.decode(value);
    } catch (RuntimeException ex) {
      // the codecs report corruption as IllegalArgumentException; anything else is corruption too
      return Decoded.failed("invalid: " + ex.getMessage());
    }
    if (key != null && !Arrays.equals(key, e.kafkaKey())) {
      return Decoded.failed(
          "key_mismatch: record key '"
              + new String(key, StandardCharsets.UTF_8)
              + "', profile of '"
              + e.seriesKey()
              + "'");
    }
    return Decoded.ok(e);
  }

  public String model() {
    return model;
  }

  public String modelVersion() {
    return modelVersion;
  }

  /** Where the profile came from (free text; may be empty). */
  public String source() {
    return source;
  }

  /** When the profile was made, Unix epoch milliseconds; 0 when unknown. */
  public long createdMillis() {
    return createdMillis;
  }

  /** The input features' reference. */
  public ReferenceProfile inputs() {
    return inputs;
  }

  /** The outputs' reference; empty (no features) when there is none. */
  public ReferenceProfile outputs() {
    return outputs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProfileEnvelope p && Arrays.equals(encode(), p.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "ProfileEnvelope["
        + seriesKey()
        + ", source="
        + source
        + ", inputs="
        + inputs.features().keySet()
        + ", outputs="
        + outputs.features().keySet()
        + "]";
  }

  private static final class EnvelopeCodec implements Codec<ProfileEnvelope> {
    @Override
    public byte[] encode(ProfileEnvelope e) {
      byte[] model = e.model.getBytes(StandardCharsets.UTF_8);
      byte[] version = e.modelVersion.getBytes(StandardCharsets.UTF_8);
      byte[] source = e.source.getBytes(StandardCharsets.UTF_8);
      byte[] inputs = ReferenceProfile.CODEC.encode(e.inputs);
      byte[] outputs =
          e.outputs.features().isEmpty() ? new byte[0] : ReferenceProfile.CODEC.encode(e.outputs);
      ByteBuffer b =
          ByteBuffer.allocate(
              MAGIC.length
                  + 1
                  + 4
                  + 4 * 5
                  + 8
                  + model.length
                  + version.length
                  + source.length
                  + inputs.length
                  + outputs.length);
      b.put(MAGIC).put(FORMAT_VERSION).putInt(0);
      b.putInt(model.length).put(model);
      b.putInt(version.length).put(version);
      b.putInt(source.length).put(source);
      b.putLong(e.createdMillis);
      b.putInt(inputs.length).put(inputs);
      b.putInt(outputs.length).put(outputs);
      b.putInt(MAGIC.length + 1, checksum(b.array()));
      return b.array();
    }

    @Override
    public ProfileEnvelope decode(byte[] bytes) {
      if (bytes == null
          || bytes.length < MAGIC.length + 1
          || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
        throw new IllegalArgumentException("profile envelope: no DWRP magic (expected: one)");
      }
      if (bytes[MAGIC.length] != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "profile envelope: format version "
                + bytes[MAGIC.length]
                + " (expected: "
                + FORMAT_VERSION
                + ")");
      }
      if (bytes.length < HEADER) {
        throw new IllegalArgumentException("profile envelope: truncated header");
      }
      int expected = ByteBuffer.wrap(bytes).getInt(MAGIC.length + 1);
      if (checksum(bytes) != expected) {
        throw new IllegalArgumentException("profile envelope: checksum mismatch (corrupt bytes)");
      }
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes, HEADER, bytes.length - HEADER);
        String model = new String(block(b, "model"), StandardCharsets.UTF_8);
        String version = new String(block(b, "version"), StandardCharsets.UTF_8);
        String source = new String(block(b, "source"), StandardCharsets.UTF_8);
        long created = b.getLong();
        ReferenceProfile inputs = ReferenceProfile.CODEC.decode(block(b, "inputs"));
        byte[] out = block(b, "outputs");
        ReferenceProfile outputs =
            out.length == 0 ? ReferenceProfile.of(Map.of()) : ReferenceProfile.CODEC.decode(out);
        if (b.hasRemaining()) {
          throw new IllegalArgumentException(
              "profile envelope: " + b.remaining() + " trailing bytes (expected: 0)");
        }
        return of(model, version, source, created, inputs, outputs);
      } catch (BufferUnderflowException e) {
        throw new IllegalArgumentException("profile envelope: truncated", e);
      }
    }

    private static final int HEADER = MAGIC.length + 1 + 4;

    private static int checksum(byte[] bytes) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, HEADER, bytes.length - HEADER);
      return (int) crc.getValue();
    }

    private static byte[] block(ByteBuffer b, String what) {
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw new IllegalArgumentException(
            "profile envelope: "
                + what
                + " of "
                + length
                + " bytes (expected: 0.."
                + b.remaining()
                + ")");
      }
      byte[] out = new byte[length];
      b.get(out);
      return out;
    }
  }
}
