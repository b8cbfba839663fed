package io.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.jobs.drift.WindowProfile.ColumnWindow;
import io.driftwatch.schema.v1.NumberList;
import io.driftwatch.schema.v1.PredictionRecord;
import io.driftwatch.schema.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowProfileTest {

  @Test
  void keepsEachColumnsValuesByTheKindTheyHadOnTheWire() {
    WindowProfile p = new WindowProfile();
    p.add(obs(Map.of("x", num(1), "y", text("a")), Map.of("score", num(0.5))));
    p.add(obs(Map.of("x", text("oops"), "y", Value.newBuilder().setFlag(true).build()), Map.of()));
    p.add(obs(Map.of("x", num(Double.NaN), "y", text("")), Map.of()));
    p.add(
        obs(
            Map.of(
                "x",
                Value.newBuilder().setNull(true).build(),
                "y",
                Value.newBuilder().setNumbers(NumberList.newBuilder().addValues(1)).build()),
            Map.of()));
    p.add(obs(Map.of("y", text("b")), Map.of()));

    assertThat(p.observations()).isEqualTo(5);
    assertThat(p.inputs().records()).isEqualTo(5);
    assertThat(p.outputs().records()).isEqualTo(1);
    ColumnWindow x = p.inputs().column("x");
    assertThat(x.present()).isEqualTo(4);
    assertThat(x.numberProfile().count()).isEqualTo(1);
    assertThat(x.numberProfile().missing()).isEqualTo(1);
    assertThat(x.labelProfile().count()).isEqualTo(1);
    assertThat(x.nulls()).isEqualTo(1);
    assertThat(x.missingValues()).isEqualTo(2);
    ColumnWindow y = p.inputs().column("y");
    assertThat(y.present()).isEqualTo(5);
    assertThat(y.labelProfile().categoryCounts().asMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 1L, "True", 1L, "b", 1L));
    assertThat(y.labelProfile().missing()).isEqualTo(1);
    assertThat(y.lists()).isEqualTo(1);
    assertThat(y.numberProfile()).isNull();
  }

  @Test
  void splitThenMergeEqualsOnePassInEveryCount() {
    Applicants traffic = new Applicants(5);
    List<Observation> all = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      all.add(traffic.observation(i % 2 == 0, 1));
    }
    WindowProfile one = new WindowProfile();
    all.forEach(one::add);
    WindowProfile a = new WindowProfile();
    WindowProfile b = new WindowProfile();
    WindowProfile c = new WindowProfile();
    for (int i = 0; i < all.size(); i++) {
      (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(all.get(i));
    }
    WindowProfile left = a.result();
    left.merge(b);
    left.merge(c);
    WindowProfile right = c.result();
    right.merge(b);
    right.merge(a);
    for (WindowProfile merged : List.of(left, right)) {
      assertThat(merged.observations()).isEqualTo(one.observations());
      assertThat(merged.inputs().records()).isEqualTo(one.inputs().records());
      for (String column : Applicants.INPUTS) {
        ColumnWindow m = merged.inputs().column(column);
        ColumnWindow o = one.inputs().column(column);
        assertThat(m.present()).isEqualTo(o.present());
        if (o.numberProfile() != null) {
          assertThat(m.numberProfile().count()).isEqualTo(o.numberProfile().count());
          assertThat(m.numberProfile().min()).isEqualTo(o.numberProfile().min());
          assertThat(m.numberProfile().max()).isEqualTo(o.numberProfile().max());
          assertThat(m.numberProfile().mean()).isCloseTo(o.numberProfile().mean(), within(o));
        } else {
          assertThat(m.labelProfile().categoryCounts())
              .isEqualTo(o.labelProfile().categoryCounts());
        }
      }
    }
    // the parts are unchanged by merging them into others
    assertThat(a.observations()).isEqualTo(1000);
  }

  @Test
  void codecRoundTripsAndRejectsCorruptBytes() {
    WindowProfile p = new WindowProfile();
    Applicants traffic = new Applicants(1);
    for (int i = 0; i < 500; i++) {
      p.add(traffic.observation(false, 1));
    }
    byte[] bytes = WindowProfile.CODEC.encode(p);
    assertThat(bytes[0]).isEqualTo((byte) 1);
    assertThat(WindowProfile.CODEC.encode(WindowProfile.CODEC.decode(bytes))).isEqualTo(bytes);
    assertThat(WindowProfile.CODEC.encode(new WindowProfile()))
        .isEqualTo(WindowProfile.CODEC.encode(new WindowProfile().result()));

    assertThatThrownBy(() -> WindowProfile.CODEC.decode(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window profile: version 9 (expected: 1)");
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    assertThatThrownBy(() -> WindowProfile.CODEC.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("window profile:");
  }

  private static org.assertj.core.data.Offset<Double> within(ColumnWindow o) {
    return org.assertj.core.data.Offset.offset(
        1e-9 * Math.max(1, Math.abs(o.numberProfile().mean())));
  }

  static Observation obs(Map<String, Value> inputs, Map<String, Value> outputs) {
    PredictionRecord r =
        PredictionRecord.newBuilder()
            .setModel("m")
            .setModelVersion("1")
            .setPredictionId("p")
            .putAllFeatures(inputs)
            .putAllOutputs(outputs)
            .build();
    return Observation.of(r, 1, 0);
  }

  static Value num(double v) {
    return Value.newBuilder().setNumber(v).build();
  }

  static Value text(String s) {
    return Value.newBuilder().setText(s).build();
  }
}
