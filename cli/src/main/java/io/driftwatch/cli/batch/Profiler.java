package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.NumpyHistogram;
import io.driftwatch.stats.profile.FeatureProfile;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a {@link ReferenceProfile} from a data file in two streaming passes, in memory that does
 * not grow with the number of rows: the first types every column by Evidently's legacy rule ({@link
 * TypeTally}) and finds each numerical column's range, which fixes its Sturges bin edges (as {@link
 * ReferenceProfile.Builder} computes them from whole columns); the second fills the feature
 * profiles. The file is read twice, so it must be a file, not a pipe. The two passes are {@link
 * #plan} and {@link #fill}, so a caller can start work that needs only the profiles' shape (a
 * current window to compare) beside the second pass.
 */
final class Profiler {

  /**
   * What to profile and how.
   *
   * @param input the data file
   * @param format its format, or null to detect it
   * @param columns the columns to profile in this order, or null for all
   * @param forcedTypes types the user fixed for some columns
   * @param kllK KLL accuracy knob of numerical features
   * @param maxMapSize frequent-items map size of categorical features
   * @param warnings where notes about the input go
   */
  record Settings(
      Path input,
      InputFormat format,
      List<String> columns,
      Map<String, ColumnType> forcedTypes,
      int kllK,
      int maxMapSize,
      Consumer<String> warnings) {}

  /** The profile and the number of data rows read. */
  record Result(ReferenceProfile profile, long rows) {}

  private Profiler() {}

  static Result build(Settings s) throws IOException {
    return fill(plan(s));
  }

  /**
   * A data file after the first pass: every column typed and, if numerical, binned; its feature
   * profiles have their final shape but no values yet. {@link #shape()} may be copied ({@link
   * FeatureProfile#emptyCopy()}) before {@link #fill} starts filling them, e.g. on another thread.
   */
  static final class Plan {
    private final Path input;
    private final InputFormat format;
    private final LinkedHashSet<String> selection;
    private final Map<String, FeatureProfile> features;
    private final FeatureFeeder[] feeders;

    private Plan(
        Path input,
        InputFormat format,
        LinkedHashSet<String> selection,
        Map<String, FeatureProfile> features,
        FeatureFeeder[] feeders) {
      this.input = input;
      this.format = format;
      this.selection = selection;
      this.features = features;
      this.feeders = feeders;
    }

    /** The columns in order, with their (still empty) profiles. */
    Map<String, FeatureProfile> shape() {
      return features;
    }
  }

  /** The first pass: types every column and fixes the bin edges of the numerical ones. */
  static Plan plan(Settings s) throws IOException {
    InputFormat format = s.format() != null ? s.format() : InputFormat.detect(s.input());
    LinkedHashSet<String> selection = s.columns() == null ? null : new LinkedHashSet<>(s.columns());
    List<String> names;
    TypeTally[] tallies;
    double[] min;
    double[] max;
    long[] finite;
    int[] idx;
    String file;
    try (TableReader reader = TableReader.open(s.input(), format, selection)) {
      file = reader.file;
      names = s.columns() != null ? s.columns() : reader.columns();
      ExactDrift.checkForcedNames(s.forcedTypes(), names);
      idx = ExactDrift.indices(reader, names);
      int n = idx.length;
      tallies = new TypeTally[n];
      min = new double[n];
      max = new double[n];
      finite = new long[n];
      for (int i = 0; i < n; i++) {
        tallies[i] = new TypeTally();
        min[i] = Double.POSITIVE_INFINITY;
        max[i] = Double.NEGATIVE_INFINITY;
      }
      CellParser cell = new CellParser();
      while (reader.next()) {
        byte[] b = reader.buffer();
        for (int i = 0; i < n; i++) {
          int st = reader.start(idx[i]);
          int kind = st < 0 ? CellParser.MISSING : cell.parse(b, st, reader.end(idx[i]));
          tallies[i].accept(kind, cell, reader, idx[i]);
          if (kind != CellParser.MISSING && kind != CellParser.TEXT) {
            double v = cell.value;
            if (Double.isFinite(v)) {
              min[i] = Math.min(min[i], v);
              max[i] = Math.max(max[i], v);
              finite[i]++;
            }
          }
        }
      }
    }
    Map<String, FeatureProfile> features = new LinkedHashMap<>();
    FeatureFeeder[] feeders = new FeatureFeeder[names.size()];
    for (int i = 0; i < feeders.length; i++) {
      String name = names.get(i);
      ColumnKind kind = tallies[i].resolve(name, s.forcedTypes().get(name));
      String warning = tallies[i].warning(name, kind);
      if (warning != null) {
        s.warnings().accept(warning);
      }
      if (tallies[i].present == 0 || (kind == ColumnKind.NUMERICAL && finite[i] == 0)) {
        throw new InputException(
            file,
            1,
            format == InputFormat.CSV ? idx[i] + 1 : 1,
            "column \"" + name + "\" has no values (every cell is empty or missing)");
      }
      FeatureProfile p =
          switch (kind) {
            case NUMERICAL ->
                FeatureProfile.numerical(
                    s.kllK(), NumpyHistogram.sturgesEdges(min[i], max[i], finite[i]));
            case NUMBER_CATEGORICAL -> FeatureProfile.categorical(s.maxMapSize(), true);
            case LABEL_CATEGORICAL -> FeatureProfile.categorical(s.maxMapSize(), false);
          };
      features.put(name, p);
      feeders[i] = new FeatureFeeder(name, idx[i], p, "column \"" + name + "\" holds numbers");
    }
    return new Plan(s.input(), format, selection, features, feeders);
  }

  /** The second pass: fills the plan's profiles (once; a plan is not reusable). */
  static Result fill(Plan plan) throws IOException {
    long rows;
    try (TableReader reader = TableReader.open(plan.input, plan.format, plan.selection)) {
      CellParser cell = new CellParser();
      while (reader.next()) {
        for (FeatureFeeder f : plan.feeders) {
          f.add(reader, cell);
        }
      }
      rows = reader.records();
    }
    return new Result(ReferenceProfile.of(plan.features), rows);
  }
}
