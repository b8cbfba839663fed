package io.driftwatch.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class PredictionIdsTest {

  @Test
  void idsAreVersion7UuidsCarryingTheirMillisecond() {
    long millis = 1_764_873_600_123L; // 2025-12-04T18:40:00.123Z
    UUID id = PredictionIds.of(millis, ThreadLocalRandom.current());
    // java.util.UUID decodes the version and the variant itself: an independent check of the bits.
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    assertThat(UUID.fromString(id.toString())).isEqualTo(id);
  }

  @Test
  void idsDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(PredictionIds.next())).isTrue();
    }
  }

  @Test
  void idsSortByTime() {
    UUID earlier = PredictionIds.of(1_000_000L, ThreadLocalRandom.current());
    UUID later = PredictionIds.of(1_000_001L, ThreadLocalRandom.current());
    assertThat(earlier.toString()).isLessThan(later.toString());
  }
}
