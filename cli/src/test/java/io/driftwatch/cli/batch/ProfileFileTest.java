package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.stats.profile.ReferenceProfile;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProfileFileTest {
  private static ProfileFile sample() {
    ReferenceProfile p =
        ReferenceProfile.builder()
            .numerical("x", new double[] {1, 2, 3, Double.NaN})
            .categorical("c", new String[] {"a", "b", null})
            .build();
    return new ProfileFile("credit-risk", "v7 ünicode", 4, p);
  }

  @Test
  void roundTrips() {
    ProfileFile f = sample();
    ProfileFile back = ProfileFile.decode("f", f.encode());
    assertThat(back).isEqualTo(f);
    assertThat(back.version()).isEqualTo("v7 ünicode");
  }

  /** The layout documented on ProfileFile: magic, envelope version, then the names. */
  @Test
  void startsWithMagicAndVersion() {
    byte[] b = sample().encode();
    assertThat(Arrays.copyOf(b, 5)).containsExactly('D', 'W', 'P', 'F', 1);
    assertThat(b[8]).isEqualTo((byte) "credit-risk".length());
  }

  @Test
  void rejectsEveryTruncationAndEverySingleBitFlip() {
    byte[] b = sample().encode();
    for (int n = 0; n < b.length; n++) {
      byte[] cut = Arrays.copyOf(b, n);
      assertThatThrownBy(() -> ProfileFile.decode("f", cut))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("f: ");
    }
    for (int i = 0; i < b.length; i++) {
      byte[] flipped = b.clone();
      flipped[i] ^= 0x10;
      assertThatThrownBy(() -> ProfileFile.decode("f", flipped))
          .as("byte %d", i)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsANewerEnvelope() {
    byte[] b = sample().encode();
    b[4] = 2;
    assertThatThrownBy(() -> ProfileFile.decode("f", b))
        .hasMessageContaining("envelope version 2 (expected: 1");
  }
}
