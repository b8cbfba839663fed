package io.driftwatch.stats.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.stats.drift.NumpyHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference profiles: the batch builder, record-by-record windows, merge properties, codec. */
class ReferenceProfileTest {

  @BeforeEach
  void seedKll() {
    KllSeed.seed(42L);
  }

  @Test
  void theBuilderFixesSturgesEdgesOverTheReferenceAndCountsBinsExactly() {
    double[] age = {31, 45, Double.NaN, 27, 62, 38, 45, 51, 19, 70, Double.POSITIVE_INFINITY};
    ReferenceProfile ref =
        ReferenceProfile.builder()
            .numerical("age", age)
            .categorical("country", new String[] {"de", "fr", "de", null, "it"})
            .categorical("rooms", new double[] {1, 2, 2, 3})
            .build();

    FeatureProfile a = ref.feature("age");
    double[] finite = Arrays.stream(age).filter(Double::isFinite).toArray();
    assertThat(a.binEdges()).containsExactly(NumpyHistogram.sturgesEdges(finite));
    long[] bins = a.binCounts();
    assertThat(Arrays.copyOfRange(bins, 1, bins.length - 1))
        .containsExactly(NumpyHistogram.counts(finite, a.binEdges()));
    assertThat(bins[0] + bins[bins.length - 1]).isZero();
    assertThat(a.missing()).isEqualTo(2);
    assertThat(ref.feature("country").categoryCounts().asMap()).containsEntry("de", 2L);
    assertThat(ref.feature("rooms").numericKeys()).isTrue();
    assertThat(ref.features().keySet()).containsExactly("age", "country", "rooms");
  }

  @Test
  void aWindowHasTheSameShapeAndCountsAbsentFeaturesAsMissing() {
    ReferenceProfile ref =
        ReferenceProfile.builder()
            .numerical("x", new double[] {1, 2, 3, 4, 5})
            .categorical("c", new String[] {"a"})
            .build();
    ReferenceProfile window = ref.newWindow();
    assertThat(window.feature("x").count()).isZero();
    assertThat(window.feature("x").binEdges()).isEqualTo(ref.feature("x").binEdges());

    Map<String, Object> r1 = new HashMap<>();
    r1.put("x", 2.5);
    r1.put("c", "b");
    r1.put("unknown", 1);
    window.add(r1);
    window.add(Map.of("x", 9.0));
    assertThat(window.feature("x").count()).isEqualTo(2);
    assertThat(window.feature("x").binCounts()[window.feature("x").binCounts().length - 1])
        .as("9 is above the reference range: overflow bin")
        .isEqualTo(1);
    assertThat(window.feature("c").missing()).isEqualTo(1);
    assertThat(window.features()).doesNotContainKey("unknown");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void splitThenMergeEqualsOnePassInAnyOrder(long seed) {
    Random rng = new Random(seed);
    ReferenceProfile shape =
        ReferenceProfile.builder()
            .numerical("x", new double[] {-3, 3})
            .categorical("c", new String[0])
            .feature("n", FeatureProfile.numerical())
            .build()
            .newWindow();
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      Map<String, Object> r = new HashMap<>();
      r.put("x", rng.nextGaussian());
      r.put("c", rng.nextInt(15) == 0 ? null : "k" + rng.nextInt(40));
      r.put("n", (double) rng.nextInt(12));
      records.add(r);
    }
    ReferenceProfile whole = shape.newWindow();
    records.forEach(whole::add);
    ReferenceProfile[] parts = {shape.newWindow(), shape.newWindow(), shape.newWindow()};
    for (int i = 0; i < records.size(); i++) {
      parts[rng.nextInt(3)].add(records.get(i));
    }
    ReferenceProfile left = parts[0].result();
    left.merge(parts[1]);
    left.merge(parts[2]);
    ReferenceProfile right = parts[2].result();
    ReferenceProfile bc = parts[1].result();
    bc.merge(parts[0]);
    right.merge(bc);
    for (ReferenceProfile p : new ReferenceProfile[] {left, right}) {
      for (String f : whole.features().keySet()) {
        FeatureProfileTest.assertSameExactState(p.feature(f), whole.feature(f));
      }
    }
  }

  @Test
  void mergeUnionsTheFeatureSets() {
    ReferenceProfile a = ReferenceProfile.builder().numerical("x", new double[] {1, 2}).build();
    ReferenceProfile b = ReferenceProfile.builder().categorical("c", new String[] {"u"}).build();
    a.merge(b);
    assertThat(a.features().keySet()).containsExactly("x", "c");
    assertThat(b.features().keySet()).containsExactly("c");
  }

  @Test
  void codecRoundTripsAndRejectsGarbage() {
    ReferenceProfile p =
        ReferenceProfile.builder()
            .numerical("größe", new double[] {1.5, 2.5, 9})
            .categorical("c", new String[] {"a", "b"})
            .build();
    byte[] bytes = ReferenceProfile.CODEC.encode(p);
    assertThat(bytes[0]).isEqualTo((byte) 1);
    ReferenceProfile back = ReferenceProfile.CODEC.decode(bytes);
    assertThat(back).isEqualTo(p);
    assertThat(back.feature("größe").max()).isEqualTo(9.0);

    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> ReferenceProfile.CODEC.decode(trailing))
        .hasMessage("reference profile: 1 trailing bytes (expected: 0)");
    byte[] v9 = bytes.clone();
    v9[0] = 9;
    assertThatThrownBy(() -> ReferenceProfile.CODEC.decode(v9))
        .hasMessage("reference profile: version 9 (expected: 1)");
    assertThatThrownBy(() -> ReferenceProfile.CODEC.decode(Arrays.copyOf(bytes, 12)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void featureNamesMustBeUniqueAndNonBlank() {
    assertThatThrownBy(
            () ->
                ReferenceProfile.builder()
                    .numerical("x", new double[0])
                    .numerical("x", new double[0]))
        .hasMessage("feature name: x (expected: unique)");
    assertThatThrownBy(() -> ReferenceProfile.builder().numerical(" ", new double[0]))
        .hasMessage("feature name:   (expected: non-blank)");
    assertThat(
            ReferenceProfile.builder()
                .numerical("e", new double[] {Double.NaN})
                .build()
                .feature("e")
                .binEdges())
        .as("no finite value: no edges")
        .isNull();
  }
}
