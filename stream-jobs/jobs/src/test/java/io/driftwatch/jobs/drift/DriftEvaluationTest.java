package io.driftwatch.jobs.drift;

import static io.driftwatch.jobs.drift.WindowProfileTest.num;
import static io.driftwatch.jobs.drift.WindowProfileTest.obs;
import static io.driftwatch.jobs.drift.WindowProfileTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.jobs.drift.DriftEvaluation.ColumnVerdict;
import io.driftwatch.jobs.drift.DriftEvaluation.References;
import io.driftwatch.jobs.drift.DriftEvaluation.Result;
import io.driftwatch.jobs.drift.DriftEvaluation.Role;
import io.driftwatch.schema.v1.Value;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DriftMethods;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.profile.FeatureProfile;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftEvaluationTest {
  private static final DriftConfig CONFIG = DriftConfig.defaults().withMinWindowRecords(10);

  /** Reference: x numerical 0..99, c categorical a/b, k categorical with number keys 1/2/3. */
  private static ProfileEnvelope reference() {
    double[] x = new double[100];
    String[] c = new String[100];
    double[] k = new double[100];
    for (int i = 0; i < 100; i++) {
      x[i] = i;
      c[i] = i % 2 == 0 ? "a" : "b";
      k[i] = 1 + i % 3;
    }
    ReferenceProfile in =
        ReferenceProfile.builder()
            .numerical("x", x)
            .categorical("c", c)
            .categorical("k", k)
            .build();
    return ProfileEnvelope.of("m", "1", "test", 0, in, null);
  }

  @Test
  void dataQualityRatiosAreExactOnHandMadeWindows() {
    WindowProfile w = new WindowProfile();
    // 20 records: x = 10..19, except 2 above the range, 1 below, 1 NaN, 1 text, 1 absent
    for (int i = 0; i < 20; i++) {
      Map<String, Value> in = new HashMap<>();
      Value x =
          switch (i) {
            case 0, 1 -> num(150);
            case 2 -> num(-1);
            case 3 -> num(Double.NaN);
            case 4 -> text("12");
            default -> num(10 + i);
          };
      if (i != 5) {
        in.put("x", x);
      }
      // c: 3 unseen categories, one empty text; k: numbers 1..4 (4 is new), one not a number
      in.put("c", text(i < 3 ? "z" : i == 3 ? "" : i % 2 == 0 ? "a" : "b"));
      in.put("k", i == 0 ? text("many") : num(1 + i % 4));
      w.add(obs(in, Map.of()));
    }
    Result r = DriftEvaluation.evaluate(References.choose(reference(), null), w, CONFIG);
    ColumnVerdict x = verdict(r, "x");
    assertThat(x.records()).isEqualTo(20);
    assertThat(x.values()).isEqualTo(17);
    assertThat(x.missingRatio()).isEqualTo(2 / 20.0);
    assertThat(x.typeMismatchRatio()).isEqualTo(1 / 20.0);
    assertThat(x.outOfRangeRatio()).isEqualTo(3 / 17.0);
    assertThat(x.newCategoryRatio()).isNaN();
    assertThat(x.drift().method()).isEqualTo("ks");

    ColumnVerdict c = verdict(r, "c");
    assertThat(c.values()).isEqualTo(19);
    assertThat(c.missingRatio()).isEqualTo(1 / 20.0);
    assertThat(c.typeMismatchRatio()).isZero();
    assertThat(c.newCategoryRatio()).isEqualTo(3 / 19.0);
    assertThat(c.outOfRangeRatio()).isNaN();
    assertThat(c.drift().method()).isEqualTo("chisquare");
    assertThat(c.drift().drift()).isTrue();

    // numbers in a column the reference keyed by numbers are recounted under its keys
    ColumnVerdict k = verdict(r, "k");
    assertThat(k.values()).isEqualTo(19);
    assertThat(k.typeMismatchRatio()).isEqualTo(1 / 20.0);
    assertThat(k.newCategoryRatio()).isEqualTo(5 / 19.0);
    assertThat(k.drift().method()).isEqualTo("chisquare");
  }

  @Test
  void booleansInANumericalReferenceColumnAreOneAndZero() {
    // reference: flag = 1.0 in 30 of 100 rows (a True/False training column, read as 1/0)
    double[] flag = new double[100];
    for (int i = 0; i < 100; i++) {
      flag[i] = i < 30 ? 1 : 0;
    }
    ProfileEnvelope ref =
        ProfileEnvelope.of(
            "m", "1", "", 0, ReferenceProfile.builder().numerical("flag", flag).build(), null);
    // window: 40 booleans on the wire, 12 true (the same 30%), plus one text that is no boolean
    WindowProfile w = new WindowProfile();
    for (int i = 0; i < 40; i++) {
      w.add(obs(Map.of("flag", Value.newBuilder().setFlag(i < 12).build()), Map.of()));
    }
    w.add(obs(Map.of("flag", text("maybe")), Map.of()));

    Result r = DriftEvaluation.evaluate(References.choose(ref, null), w, CONFIG);

    ColumnVerdict v = verdict(r, "flag");
    assertThat(v.values()).isEqualTo(40);
    assertThat(v.typeMismatchRatio()).isEqualTo(1 / 41.0);
    assertThat(v.drift()).isNotNull();
    assertThat(v.drift().drift()).isFalse();
    assertThat(v.outOfRangeRatio()).isZero();
  }

  @Test
  void aColumnWithTooFewValuesGetsQualityButNoVerdict() {
    WindowProfile w = new WindowProfile();
    for (int i = 0; i < 30; i++) {
      w.add(obs(Map.of("x", i < 5 ? num(i) : text("n/a"), "c", text("a")), Map.of()));
    }
    Result r = DriftEvaluation.evaluate(References.choose(reference(), null), w, CONFIG);
    ColumnVerdict x = verdict(r, "x");
    assertThat(x.drift()).isNull();
    assertThat(x.typeMismatchRatio()).isEqualTo(25 / 30.0);
    ColumnVerdict k = verdict(r, "k");
    assertThat(k.missingRatio()).isEqualTo(1.0);
    assertThat(k.drift()).isNull();
    assertThat(r.dataset().tested()).isEqualTo(1);
  }

  @Test
  void publishedProfilesWinRoleByRole() {
    ProfileEnvelope published = reference();
    ReferenceProfile outs = ReferenceProfile.builder().numerical("p", new double[] {0.1}).build();
    ProfileEnvelope boot = ProfileEnvelope.of("m", "1", "first", 0, published.inputs(), outs);
    References both = References.choose(published, boot);
    assertThat(both.inputs().published()).isTrue();
    assertThat(both.inputs().records()).isEqualTo(100);
    assertThat(both.outputs().published()).isFalse();
    assertThat(both.outputs().profile()).isEqualTo(outs);
    assertThat(References.choose(null, boot).inputs().published()).isFalse();
    assertThat(References.choose(null, null)).isNull();
    assertThat(References.choose(published, null).outputs()).isNull();
    Result none = DriftEvaluation.evaluate(null, new WindowProfile(), CONFIG);
    assertThat(none.columns()).isEmpty();
    assertThat(none.dataset()).isNull();
  }

  @Test
  void theFirstRecordsBecomeAReferenceTypedByTheirValues() {
    WindowProfile first = new WindowProfile();
    for (int i = 0; i < 10; i++) {
      Map<String, Value> in = new HashMap<>();
      in.put("n", i == 0 ? text("x") : num(i));
      in.put("t", i == 0 ? num(1) : text("v" + i % 2));
      in.put("empty", Value.newBuilder().setNull(true).build());
      first.add(obs(in, Map.of("score", num(i / 10.0))));
    }
    ProfileEnvelope e = DriftEvaluation.bootstrapReference("m", "1", first);
    assertThat(e.source()).isEqualTo("first 10 records");
    assertThat(e.inputs().features()).containsOnlyKeys("n", "t");
    assertThat(e.inputs().feature("n").type()).isEqualTo(ColumnType.NUMERICAL);
    assertThat(e.inputs().feature("n").count()).isEqualTo(9);
    assertThat(e.inputs().feature("t").type()).isEqualTo(ColumnType.CATEGORICAL);
    assertThat(e.outputs().feature("score").count()).isEqualTo(10);
  }

  @Test
  void addTimesCountsExactly() {
    FeatureProfile p = FeatureProfile.categorical(64, true);
    DriftEvaluation.addTimes(p, 2.0, 1_000_003);
    DriftEvaluation.addTimes(p, "7", 5);
    DriftEvaluation.addTimes(p, "seven", 3);
    assertThat(p.categoryCounts().asMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("2.0", 1_000_003L, "7.0", 5L));
    assertThat(p.count()).isEqualTo(1_000_008);
    assertThat(p.rejected()).isEqualTo(3);
    DriftEvaluation.addTimes(p, 3.0, 0);
    assertThat(p.count()).isEqualTo(1_000_008);
  }

  @Test
  void theZTestsCohensHIsGatedAtTwiceTheGate() {
    // p-values far below 0.05, so only the gate (0.1 in CONFIG) decides
    DriftOptions gated = DriftEvaluation.options(CONFIG);
    assertThat(DriftMethods.Z.decide(3.0, 1e-6, 0.15, 0, gated).drift()).isFalse(); // h < 2 × 0.1
    assertThat(DriftMethods.Z.decide(3.0, 1e-6, 0.25, 0, gated).drift()).isTrue();
    assertThat(DriftMethods.KS.decide(0.15, 1e-6, 0.15, 0, gated).drift()).isTrue(); // D ≥ 0.1
    DriftOptions off = DriftEvaluation.options(CONFIG.withMinEffectSize(Double.NaN));
    assertThat(DriftMethods.Z.decide(3.0, 1e-6, 0.01, 0, off).drift()).isTrue();
  }

  static ColumnVerdict verdict(Result r, String column) {
    return r.columns().stream()
        .filter(v -> v.column().equals(column) && v.role() == Role.INPUT)
        .findFirst()
        .orElseThrow();
  }
}
