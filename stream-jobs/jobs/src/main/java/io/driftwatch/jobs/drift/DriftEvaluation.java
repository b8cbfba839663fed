package io.driftwatch.jobs.drift;

import io.driftwatch.jobs.drift.WindowProfile.ColumnSet;
import io.driftwatch.jobs.drift.WindowProfile.ColumnWindow;
import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.drift.DriftResult;
import io.driftwatch.stats.profile.FeatureProfile;
import io.driftwatch.stats.profile.ProfileDrift;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares one drift window of a model version with its reference: per column of the reference,
 * data quality (missing, type mismatches, out of range, new categories) and Evidently's default
 * drift test in sketch mode ({@link ProfileDrift}); over the input columns, dataset drift.
 * Framework-free and stateless; the Flink operator only chooses the reference and the window.
 */
final class DriftEvaluation {

  /** Inputs (data drift) or outputs (prediction drift). */
  enum Role {
    INPUT("input", "data_drift"),
    OUTPUT("output", "prediction_drift");

    private final String label;
    private final String eventKind;

    Role(String label, String eventKind) {
      this.label = label;
      this.eventKind = eventKind;
    }

    /** The {@code role} metric label. */
    String label() {
      return label;
    }

    /** The DriftEvent kind. */
    String eventKind() {
      return eventKind;
    }
  }

  /**
   * The reference of one role.
   *
   * @param records its size: the values (missing ones included) of its best-covered column
   */
  record Reference(ReferenceProfile profile, boolean published, long records) {
    static Reference of(ReferenceProfile profile, boolean published) {
      long n = 0;
      for (FeatureProfile f : profile.features().values()) {
        n = Math.max(n, f.count() + f.missing() + f.rejected());
      }
      return new Reference(profile, published, n);
    }
  }

  /** The references of both roles; either may be null (nothing to compare that role with). */
  record References(Reference inputs, Reference outputs) {
    /**
     * A published profile wins over the version's first records, role by role: a published profile
     * without outputs leaves prediction drift to the bootstrapped reference.
     *
     * @param published the profile from the profiles topic, or null
     * @param bootstrapped the profile made of the version's first records, or null
     * @return null when neither role has a reference
     */
    static References choose(ProfileEnvelope published, ProfileEnvelope bootstrapped) {
      Reference in = pick(published, bootstrapped, Role.INPUT);
      Reference out = pick(published, bootstrapped, Role.OUTPUT);
      return in == null && out == null ? null : new References(in, out);
    }

    private static Reference pick(ProfileEnvelope published, ProfileEnvelope boot, Role role) {
      if (published != null && !profile(published, role).features().isEmpty()) {
        return Reference.of(profile(published, role), true);
      }
      if (boot != null && !profile(boot, role).features().isEmpty()) {
        return Reference.of(profile(boot, role), false);
      }
      return null;
    }

    private static ReferenceProfile profile(ProfileEnvelope e, Role role) {
      return role == Role.INPUT ? e.inputs() : e.outputs();
    }

    Reference of(Role role) {
      return role == Role.INPUT ? inputs : outputs;
    }
  }

  /**
   * The verdict on one column in one window.
   *
   * @param records records of the window that carried this role
   * @param values non-missing values of the reference's type
   * @param missingRatio share of records where the column was absent, null, empty, NaN or ±∞
   * @param typeMismatchRatio share of records with a value of another type than the reference's
   * @param outOfRangeRatio numerical columns: share of values outside the reference's [min, max];
   *     NaN for categorical columns or without values
   * @param newCategoryRatio categorical columns: share of values in categories the reference never
   *     saw; NaN for numerical columns or without values
   * @param drift the default method's result; null when the window had fewer than the configured
   *     minimum of values (insufficient data) or the test could not be computed
   */
  record ColumnVerdict(
      Role role,
      String column,
      long records,
      long values,
      double missingRatio,
      double typeMismatchRatio,
      double outOfRangeRatio,
      double newCategoryRatio,
      DriftResult drift) {}

  /**
   * One window's evaluation.
   *
   * @param references what the window was compared with; null when no reference exists yet
   * @param dataset dataset drift over the input columns with a verdict; null when none had one
   */
  record Result(
      References references,
      long inputRecords,
      long outputRecords,
      List<ColumnVerdict> columns,
      DatasetDrift dataset) {}

  private DriftEvaluation() {}

  /**
   * Evidently's options with the configured practical-significance gate (which the z-test's Cohen's
   * h meets at twice the value: {@link DriftOptions#gateFor}).
   */
  static DriftOptions options(DriftConfig config) {
    return DriftOptions.defaults().withMinEffectSize(config.minEffectSize());
  }

  /** Evaluates {@code window} against {@code references} (which may be null). */
  static Result evaluate(References references, WindowProfile window, DriftConfig config) {
    long inputRecords = window.inputs().records();
    long outputRecords = window.outputs().records();
    if (references == null) {
      return new Result(null, inputRecords, outputRecords, List.of(), null);
    }
    List<ColumnVerdict> verdicts = new ArrayList<>();
    Map<String, DriftResult> tested = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      Reference ref = references.of(role);
      ColumnSet set = window.role(role);
      if (ref == null || set.records() == 0) {
        continue;
      }
      for (Map.Entry<String, FeatureProfile> e : ref.profile().features().entrySet()) {
        ColumnVerdict v = column(role, e.getKey(), e.getValue(), set, config);
        verdicts.add(v);
        if (role == Role.INPUT && v.drift() != null) {
          tested.put(v.column(), v.drift());
        }
      }
    }
    DatasetDrift dataset = tested.isEmpty() ? null : DatasetDrift.of(tested, config.driftShare());
    return new Result(references, inputRecords, outputRecords, verdicts, dataset);
  }

  /** Data quality and drift of one column. */
  static ColumnVerdict column(
      Role role, String name, FeatureProfile reference, ColumnSet set, DriftConfig config) {
    long records = set.records();
    ColumnWindow w = set.column(name);
    Current cur = current(reference, w);
    long absent = records - (w == null ? 0 : w.present());
    FeatureProfile c = cur.profile;
    double outOfRange = Double.NaN;
    double newCategory = Double.NaN;
    if (c.count() > 0) {
      if (reference.type() == ColumnType.NUMERICAL) {
        outOfRange = outOfRange(reference, c);
      } else {
        newCategory = newCategories(reference, c);
      }
    }
    DriftResult drift = null;
    if (c.count() >= config.minWindowRecords() && reference.count() > 0) {
      DriftMethod method = ProfileDrift.defaultMethod(reference, c);
      DriftResult r = ProfileDrift.test(method, reference, c, options(config));
      drift = r.isError() ? null : r;
    }
    return new ColumnVerdict(
        role,
        name,
        records,
        c.count(),
        (absent + cur.missing) / (double) records,
        cur.mismatches / (double) records,
        outOfRange,
        newCategory,
        drift);
  }

  /** The window's values of a column as a profile of the reference's type. */
  private record Current(FeatureProfile profile, long missing, long mismatches) {}

  private static Current current(FeatureProfile reference, ColumnWindow w) {
    if (w == null) {
      return new Current(reference.emptyCopy(), 0, 0);
    }
    FeatureProfile numbers = w.numberProfile();
    FeatureProfile labels = w.labelProfile();
    long missing = w.missingValues();
    long lists = w.lists();
    if (reference.type() == ColumnType.NUMERICAL) {
      FeatureProfile p = numbers != null ? numbers : FeatureProfile.numerical();
      // text (even text that reads as a number) in a numerical column is a type mismatch
      long mismatches = lists + (labels == null ? 0 : labels.count() + labels.rejected());
      if (labels != null && labels.count() > 0) {
        // ...but booleans are 1 and 0 there, as pandas, exact mode and `driftwatch profile` read
        // them (a training column of True/False is numerical); the window keeps them as labels
        CategoryCounts counts = labels.categoryCounts();
        long trues = counts.countOf("True");
        long falses = counts.countOf("False");
        if (trues + falses > 0) {
          FeatureProfile withBooleans = p.emptyCopy(); // never add to the window's own profile
          withBooleans.merge(p);
          addTimes(withBooleans, 1.0, trues);
          addTimes(withBooleans, 0.0, falses);
          p = withBooleans;
          mismatches -= trues + falses;
        }
      }
      return new Current(p, missing, mismatches + p.rejected());
    }
    boolean numbersPresent = numbers != null && numbers.count() > 0;
    if (!reference.numericKeys() && !numbersPresent) {
      return new Current(labels != null ? labels : FeatureProfile.categorical(), missing, lists);
    }
    // Rebuild with the reference's key kind: numbers become their canonical keys, as a profile of
    // labels does with a number it is given, and labels are parsed when the keys are numbers.
    FeatureProfile p = FeatureProfile.categorical(reference.maxMapSize(), reference.numericKeys());
    long mismatches = lists;
    if (labels != null && labels.count() > 0) {
      for (Map.Entry<String, Long> e : labels.categoryCounts().asMap().entrySet()) {
        addTimes(p, e.getKey(), e.getValue());
      }
    }
    if (numbersPresent) {
      CategoryCounts distinct = numbers.distinctValues();
      if (distinct == null) {
        mismatches += numbers.count();
      } else {
        for (int i = 0; i < distinct.size(); i++) {
          addTimes(p, Double.parseDouble(distinct.key(i)), distinct.count(i));
        }
      }
    }
    return new Current(p, missing, mismatches + p.rejected());
  }

  /**
   * Adds {@code value} {@code times} times in O(log times) merges: the profiles have no weighted
   * add, but merging a profile into a copy of itself doubles its counts exactly.
   */
  static void addTimes(FeatureProfile target, Object value, long times) {
    FeatureProfile power = target.emptyCopy();
    power.add(value);
    long left = times;
    while (left > 0) {
      if ((left & 1) == 1) {
        target.merge(power);
      }
      left >>>= 1;
      if (left > 0) {
        FeatureProfile doubled = power.result();
        doubled.merge(power);
        power = doubled;
      }
    }
  }

  /**
   * Share of the window's values outside the reference's [min, max]: 0 when the window's own range
   * lies inside; exact from the window's distinct values while it tracks them; else from its KLL
   * sketch, within its rank error.
   */
  static double outOfRange(FeatureProfile reference, FeatureProfile current) {
    double lo = reference.min();
    double hi = reference.max();
    if (current.min() >= lo && current.max() <= hi) {
      return 0.0;
    }
    CategoryCounts distinct = current.distinctValues();
    if (distinct != null) {
      long outside = 0;
      for (int i = 0; i < distinct.size(); i++) {
        double v = Double.parseDouble(distinct.key(i));
        if (v < lo || v > hi) {
          outside += distinct.count(i);
        }
      }
      return outside / (double) current.count();
    }
    double below = current.min() < lo ? current.rank(Math.nextDown(lo)) : 0.0;
    double above = current.max() > hi ? 1.0 - current.rank(hi) : 0.0;
    return Math.min(1.0, Math.max(0.0, below + above));
  }

  /** Share of the window's values in categories the reference does not have. */
  static double newCategories(FeatureProfile reference, FeatureProfile current) {
    CategoryCounts known = reference.categoryCounts();
    CategoryCounts seen = current.categoryCounts();
    long unseen = 0;
    for (int i = 0; i < seen.size(); i++) {
      if (known.countOf(seen.key(i)) == 0) {
        unseen += seen.count(i);
      }
    }
    return Math.min(1.0, unseen / (double) current.count());
  }

  /**
   * The reference made of a model version's first records: per column the profile of the kind most
   * of its values had (numbers → numerical, texts and booleans → categorical); columns without a
   * single non-missing value are left out.
   */
  static ProfileEnvelope bootstrapReference(String model, String version, WindowProfile sample) {
    return ProfileEnvelope.of(
        model,
        version,
        "first " + sample.observations() + " records",
        0,
        typed(sample.inputs()),
        typed(sample.outputs()));
  }

  private static ReferenceProfile typed(ColumnSet set) {
    Map<String, FeatureProfile> m = new LinkedHashMap<>();
    for (Map.Entry<String, ColumnWindow> e : set.columns().entrySet()) {
      FeatureProfile n = e.getValue().numberProfile();
      FeatureProfile l = e.getValue().labelProfile();
      long nc = n == null ? 0 : n.count();
      long lc = l == null ? 0 : l.count();
      if (nc == 0 && lc == 0) {
        continue;
      }
      m.put(e.getKey(), nc >= lc ? n.result() : l.result());
    }
    return ReferenceProfile.of(m);
  }
}
