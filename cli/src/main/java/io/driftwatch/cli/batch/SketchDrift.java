package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftResult;
import io.driftwatch.stats.profile.FeatureProfile;
import io.driftwatch.stats.profile.ProfileDrift;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Sketch mode: the reference is a profile file (or a data file profiled on the way, {@link
 * #runOnData}); the current file is streamed, in memory that does not grow with its length, into a
 * window of the same shape ({@link FeatureProfile#emptyCopy()}), and the two are compared by {@link
 * ProfileDrift}, whose results state their error bound.
 */
final class SketchDrift {

  private SketchDrift() {}

  static DriftReport run(DriftSettings s, ProfileFile reference) throws IOException {
    if (!s.forcedTypes().isEmpty()) {
      throw new IllegalArgumentException(
          "--numerical/--categorical: not allowed when the reference is a profile (its column"
              + " types were fixed when it was built)");
    }
    Profiler.Result filled = new Profiler.Result(reference.profile(), reference.rows());
    return compare(s, reference.profile().features(), () -> filled);
  }

  /**
   * Sketch mode on a reference data file: profiles it as {@code driftwatch profile} would (default
   * sketch sizes), in two streaming passes. The current file needs only the reference's column
   * types and bin edges, known after the first pass, so it is streamed on this thread while the
   * second pass over the reference runs on another: two passes' time for three passes' work.
   */
  static DriftReport runOnData(DriftSettings s) throws IOException {
    Profiler.Plan plan =
        Profiler.plan(
            new Profiler.Settings(
                s.reference(),
                s.inputFormat(),
                s.columns(),
                s.forcedTypes(),
                FeatureProfile.DEFAULT_KLL_K,
                FeatureProfile.DEFAULT_MAX_MAP_SIZE,
                s.warnings()));
    FutureTask<Profiler.Result> second = new FutureTask<>(() -> Profiler.fill(plan));
    return compare(
        s,
        plan.shape(),
        () -> {
          try {
            return second.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while profiling " + s.reference());
          } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
              throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
              throw r;
            }
            throw new IllegalStateException(e.getCause());
          }
        },
        second);
  }

  /** The reference profile once it is complete. */
  private interface FilledReference {
    Profiler.Result await() throws IOException;
  }

  /**
   * Streams the current file into windows shaped like {@code shape}'s profiles and compares them
   * with the reference. {@code background}, if any, runs on its own thread meanwhile; it must not
   * touch {@code shape}'s profiles until their empty copies are made, which happens first here.
   */
  private static DriftReport compare(
      DriftSettings s,
      Map<String, FeatureProfile> shape,
      FilledReference reference,
      Runnable... background)
      throws IOException {
    List<String> names = s.columns() != null ? s.columns() : new ArrayList<>(shape.keySet());
    for (String name : names) {
      if (!shape.containsKey(name)) {
        throw new IllegalArgumentException(
            s.reference()
                + ": column \""
                + name
                + "\" is not in the profile (it has: "
                + ExactDrift.abbreviate(new ArrayList<>(shape.keySet()))
                + ")");
      }
    }
    FeatureProfile[] windows = new FeatureProfile[names.size()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = shape.get(names.get(i)).emptyCopy();
    }
    for (Runnable task : background) {
      Thread thread = new Thread(task, "driftwatch-reference-profile");
      thread.setDaemon(true);
      thread.start();
    }
    try (TableReader cur =
        TableReader.open(
            s.current(), ExactDrift.format(s, s.current()), new LinkedHashSet<>(names))) {
      int[] idx = ExactDrift.indices(cur, names);
      FeatureFeeder[] feeders = new FeatureFeeder[names.size()];
      for (int i = 0; i < feeders.length; i++) {
        String name = names.get(i);
        feeders[i] =
            new FeatureFeeder(
                name,
                idx[i],
                windows[i],
                "column \"" + name + "\" holds numbers in the reference profile");
      }
      CellParser cell = new CellParser();
      while (cur.next()) {
        for (FeatureFeeder f : feeders) {
          f.add(cur, cell);
        }
      }
      Profiler.Result filled = reference.await();
      Map<String, FeatureProfile> features = filled.profile().features();
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
          filled.rows(),
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
