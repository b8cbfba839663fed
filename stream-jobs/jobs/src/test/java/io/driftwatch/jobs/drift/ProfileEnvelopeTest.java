package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.schema.Decoded;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProfileEnvelopeTest {
  private static final ReferenceProfile INPUTS =
      ReferenceProfile.builder()
          .numerical("age", new double[] {20, 30, 40, 50})
          .categorical("country", new String[] {"US", "DE", "US"})
          .build();

  @Test
  void roundTripsWithItsKafkaKey() {
    ProfileEnvelope e = ProfileEnvelope.of("credit-risk", "1", "train.csv", 1234, INPUTS, null);
    Decoded<ProfileEnvelope> d = ProfileEnvelope.decode(e.kafkaKey(), e.encode());
    assertThat(d.isOk()).isTrue();
    ProfileEnvelope back = d.value();
    assertThat(back).isEqualTo(e);
    assertThat(back.seriesKey()).isEqualTo("credit-risk/1");
    assertThat(new String(back.kafkaKey(), StandardCharsets.UTF_8)).isEqualTo("credit-risk/1");
    assertThat(back.source()).isEqualTo("train.csv");
    assertThat(back.createdMillis()).isEqualTo(1234);
    assertThat(back.inputs()).isEqualTo(INPUTS);
    assertThat(back.outputs().features()).isEmpty();
    ProfileEnvelope withOutputs = ProfileEnvelope.of("m", "", "", 0, INPUTS, INPUTS);
    assertThat(ProfileEnvelope.decode(null, withOutputs.encode()).value().outputs())
        .isEqualTo(INPUTS);
  }

  @Test
  void layoutIsTheDocumentedOne() {
    byte[] b = ProfileEnvelope.of("m", "v2", "s", 7, INPUTS, null).encode();
    ByteBuffer buf = ByteBuffer.wrap(b);
    byte[] magic = new byte[4];
    buf.get(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("DWRP");
    assertThat(buf.get()).isEqualTo((byte) 1);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b, 9, b.length - 9);
    assertThat(buf.getInt()).isEqualTo((int) crc.getValue());
    assertThat(buf.getInt()).isEqualTo(1);
    assertThat((char) buf.get()).isEqualTo('m');
    assertThat(buf.getInt()).isEqualTo(2);
    buf.position(buf.position() + 2);
    assertThat(buf.getInt()).isEqualTo(1);
    buf.position(buf.position() + 1);
    assertThat(buf.getLong()).isEqualTo(7);
    byte[] inputs = new byte[buf.getInt()];
    buf.get(inputs);
    assertThat(ReferenceProfile.CODEC.decode(inputs)).isEqualTo(INPUTS);
    assertThat(buf.getInt()).isZero();
    assertThat(buf.hasRemaining()).isFalse();
  }

  @Test
  void badBytesGetABoundedReasonAndNeverAnException() {
    byte[] good = ProfileEnvelope.of("m", "1", "", 0, INPUTS, null).encode();
    assertThat(reason(null, new byte[0])).startsWith("empty:");
    assertThat(reason(null, "not a profile".getBytes(StandardCharsets.UTF_8)))
        .startsWith("not_profile:");
    byte[] v2 = good.clone();
    v2[4] = 2;
    assertThat(reason(null, v2)).isEqualTo("unsupported_version: format version 2 (expected: 1)");
    assertThat(reason(null, Arrays.copyOf(good, good.length - 3))).startsWith("invalid:");
    assertThat(reason(null, Arrays.copyOf(good, 7)))
        .isEqualTo("invalid: profile envelope: truncated header");
    assertThat(reason(null, Arrays.copyOf(good, good.length + 1)))
        .isEqualTo("invalid: profile envelope: checksum mismatch (corrupt bytes)");
    // every single-byte corruption is read or rejected with a bounded reason, never thrown
    for (int i = 0; i < good.length; i++) {
      byte[] corrupt = good.clone();
      corrupt[i] ^= (byte) 0xA5;
      Decoded<ProfileEnvelope> d = ProfileEnvelope.decode(null, corrupt);
      if (!d.isOk()) {
        assertThat(d.reasonCode())
            .as("byte %d", i)
            .isIn("not_profile", "unsupported_version", "invalid");
      }
    }
    assertThat(reason("m/2".getBytes(StandardCharsets.UTF_8), good))
        .isEqualTo("key_mismatch: record key 'm/2', profile of 'm/1'");
  }

  @Test
  void modelNamesMustBeUsableInTheKey() {
    assertThatThrownBy(() -> ProfileEnvelope.of("a/b", "1", "", 0, INPUTS, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model: 'a/b' (expected: non-empty, no '/')");
    assertThatThrownBy(() -> ProfileEnvelope.of("", "1", "", 0, INPUTS, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String reason(byte[] key, byte[] value) {
    Decoded<ProfileEnvelope> d = ProfileEnvelope.decode(key, value);
    assertThat(d.isOk()).as("decoded %s", d).isFalse();
    return d.reason();
  }
}
