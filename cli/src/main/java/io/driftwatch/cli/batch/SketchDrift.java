package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftResult;
import io.driftwatch.stats.profile.FeatureProfile;
import io.driftwatch.stats.profile.ProfileDrift;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Sketch mode: the reference is a profile file; the current file is streamed, in memory that does
 * not grow with its length, into a window of the same shape ({@link FeatureProfile#emptyCopy()}),
 * and the two are compared by {@link ProfileDrift}, whose results state their error bound.
 */
final class SketchDrift {

  private SketchDrift() {}

  static DriftReport run(DriftSettings s, ProfileFile reference) throws IOException {
    if (!s.forcedTypes().isEmpty()) {
      throw new IllegalArgumentException(
          "--numerical/--categorical: not allowed when the reference is a profile (its column"
              + " types were fixed when it was built)");
    }
    Map<String, FeatureProfile> features = reference.profile().features();
    List<String> names = s.columns() != null ? s.columns() : new ArrayList<>(features.keySet());
    for (String name : names) {
      if (!features.containsKey(name)) {
        throw new IllegalArgumentException(
            s.reference()
                + ": column \""
                + name
                + "\" is not in the profile (it has: "
                + ExactDrift.abbreviate(new ArrayList<>(features.keySet()))
                + ")");
      }
    }
    try (TableReader cur =
        TableReader.open(
            s.current(), ExactDrift.format(s, s.current()), new LinkedHashSet<>(names))) {
      int[] idx = ExactDrift.indices(cur, names);
      FeatureFeeder[] feeders = new FeatureFeeder[names.size()];
      for (int i = 0; i < feeders.length; i++) {
        String name = names.get(i);
        FeatureProfile ref = features.get(name);
        feeders[i] =
            new FeatureFeeder(
                name,
                idx[i],
                ref.emptyCopy(),
                "column \"" + name + "\" holds numbers in the reference profile");
      }
      CellParser cell = new CellParser();
      while (cur.next()) {
        for (FeatureFeeder f : feeders) {
          f.add(cur, cell);
        }
      }
      List<DriftReport.Column> columns = new ArrayList<>();
      Map<String, DriftResult> results = new LinkedHashMap<>();
      for (FeatureFeeder f : feeders) {
        DriftReport.Column c = column(s, features.get(f.name), f, cur);
        columns.add(c);
        results.put(c.name(), c.result());
      }
      return new DriftReport(
          s.reference().toString(),
          cur.file,
          true,
          reference.rows(),
          cur.records(),
          columns,
          DatasetDrift.of(results, s.driftShare()));
    }
  }

  private static DriftReport.Column column(
      DriftSettings s, FeatureProfile ref, FeatureFeeder f, TableReader cur) {
    FeatureProfile win = f.profile;
    if (ref.count() == 0) {
      throw new IllegalArgumentException(
          s.reference() + ": column \"" + f.name + "\" has no values in the profile");
    }
    if (win.count() == 0) {
      throw cur.columnError(
          f.index, "column \"" + f.name + "\" has no values (every cell is empty or missing)");
    }
    DriftMethod method = s.method();
    if (method != null) {
      ExactDrift.checkMethod(method, f.name, ref.type());
    } else {
      method = ProfileDrift.defaultMethod(ref, win);
    }
    DriftResult r = ProfileDrift.test(method, ref, win, s.options());
    if (r.isError()) {
      throw new IllegalArgumentException("column \"" + f.name + "\": " + r.error());
    }
    Histogram h = null;
    if (s.histograms()) {
      h =
          ref.type() == ColumnType.NUMERICAL
              ? Histogram.ofBins(ref.binEdges(), ref.binCounts(), win.binCounts())
              : Histogram.ofCounts(ref.categoryCounts(), win.categoryCounts());
    }
    return new DriftReport.Column(
        f.name, ref.type(), r, h, ref.count(), ref.missing(), win.count(), win.missing());
  }
}
