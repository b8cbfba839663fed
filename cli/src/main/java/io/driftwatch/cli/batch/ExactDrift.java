package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnSample;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DefaultMethodSelector;
import io.driftwatch.stats.drift.DriftMethod;
import io.driftwatch.stats.drift.DriftMethods;
import io.driftwatch.stats.drift.DriftResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * Exact mode: both sides are data files, read whole into primitive columns (the reference and the
 * current file on two threads), typed from the reference ({@link TypeTally}), and compared with the
 * drift methods of {@code io.driftwatch.stats.drift} on the raw values, columns in parallel.
 * Memory: 8 bytes per numerical cell and one counter per distinct category.
 */
final class ExactDrift {

  private ExactDrift() {}

  static DriftReport run(DriftSettings s) throws IOException {
    List<String> names;
    TableReader ref = null;
    TableReader cur = null;
    try {
      ref = TableReader.open(s.reference(), format(s, s.reference()), selection(s.columns()));
      names = s.columns() != null ? s.columns() : ref.columns();
      cur = TableReader.open(s.current(), format(s, s.current()), new LinkedHashSet<>(names));
      RawColumn[] refCols = columns(ref, names);
      RawColumn[] curCols = columns(cur, names);
      checkForcedNames(s.forcedTypes(), names);
      load(ref, refCols, cur, curCols);
      return compare(s, ref, refCols, cur, curCols);
    } finally {
      if (cur != null) {
        cur.close();
      }
      if (ref != null) {
        ref.close();
      }
    }
  }

  static InputFormat format(DriftSettings s, Path file) throws IOException {
    return s.inputFormat() != null ? s.inputFormat() : InputFormat.detect(file);
  }

  static Set<String> selection(List<String> columns) {
    return columns == null ? null : new LinkedHashSet<>(columns);
  }

  static void checkForcedNames(Map<String, ColumnType> forced, List<String> names) {
    for (String f : forced.keySet()) {
      if (!names.contains(f)) {
        throw new IllegalArgumentException(
            "--numerical/--categorical: column \""
                + f
                + "\" is not compared (expected one of: "
                + String.join(", ", names)
                + ")");
      }
    }
  }

  /** Resolves names to columns of the reader. */
  static int[] indices(TableReader reader, List<String> names) {
    int[] idx = new int[names.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = reader.indexOf(names.get(i));
      if (idx[i] < 0) {
        throw reader.fileError(
            "column \""
                + names.get(i)
                + "\" not found (the file has: "
                + abbreviate(reader.columns())
                + ")");
      }
    }
    return idx;
  }

  static String abbreviate(List<String> names) {
    return names.size() <= 20
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 20)) + ", ... (" + names.size() + " columns)";
  }

  private static RawColumn[] columns(TableReader reader, List<String> names) {
    int[] idx = indices(reader, names);
    RawColumn[] cols = new RawColumn[idx.length];
    for (int i = 0; i < idx.length; i++) {
      cols[i] = new RawColumn(names.get(i), idx[i]);
    }
    return cols;
  }

  /** Reads both files, each on its own thread. */
  private static void load(
      TableReader ref, RawColumn[] refCols, TableReader cur, RawColumn[] curCols)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "driftwatch-read");
              t.setDaemon(true);
              return t;
            });
    try {
      CompletableFuture<Void> a = CompletableFuture.runAsync(() -> read(ref, refCols), pool);
      CompletableFuture<Void> b = CompletableFuture.runAsync(() -> read(cur, curCols), pool);
      join(a);
      join(b);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void join(CompletableFuture<Void> f) throws IOException {
    try {
      f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static void read(TableReader reader, RawColumn[] cols) {
    CellParser cell = new CellParser();
    try {
      while (reader.next()) {
        for (RawColumn c : cols) {
          c.add(reader, cell);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DriftReport compare(
      DriftSettings s, TableReader ref, RawColumn[] refCols, TableReader cur, RawColumn[] curCols) {
    int n = refCols.length;
    ColumnKind[] kinds = new ColumnKind[n];
    for (int i = 0; i < n; i++) {
      RawColumn r = refCols[i];
      kinds[i] = r.tally.resolve(r.name, s.forcedTypes().get(r.name));
      String warning = r.tally.warning(r.name, kinds[i]);
      if (warning != null) {
        s.warnings().accept(warning);
      }
      if (kinds[i] != ColumnKind.LABEL_CATEGORICAL && curCols[i].tally.isText()) {
        throw curCols[i].tally.notANumber(
            "column \"" + r.name + "\" holds numbers in the reference");
      }
      checkNotEmpty(ref, r);
      checkNotEmpty(cur, curCols[i]);
      if (s.method() != null) {
        checkMethod(s.method(), r.name, kinds[i].type());
      }
    }
    DriftReport.Column[] out = new DriftReport.Column[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(i -> out[i] = column(s, refCols[i], curCols[i], kinds[i]));
    Map<String, DriftResult> results = new LinkedHashMap<>();
    for (DriftReport.Column c : out) {
      results.put(c.name(), c.result());
    }
    return new DriftReport(
        ref.file,
        cur.file,
        false,
        ref.records(),
        cur.records(),
        Arrays.asList(out),
        DatasetDrift.of(results, s.driftShare()));
  }

  private static void checkNotEmpty(TableReader reader, RawColumn c) {
    if (c.size() == 0) {
      throw reader.columnError(
          c.index, "column \"" + c.name + "\" has no values (every cell is empty or missing)");
    }
  }

  private static DriftReport.Column column(
      DriftSettings s, RawColumn ref, RawColumn cur, ColumnKind kind) {
    ColumnSample a;
    ColumnSample b;
    Histogram h = null;
    long unique;
    long refCount = ref.size();
    long curCount = cur.size();
    switch (kind) {
      case NUMERICAL -> {
        double[] x = ref.takeNumbers();
        double[] y = cur.takeNumbers();
        DoubleSort.sort(x);
        DoubleSort.sort(y);
        if (s.histograms()) {
          h = Histogram.ofSorted(x, y);
        }
        unique = unionUniqueUpTo(x, y, DefaultMethodSelector.MAX_UNIQUE_FOR_COUNT_TESTS + 1);
        a = ColumnSample.numerical(x);
        b = ColumnSample.numerical(y);
      }
      case NUMBER_CATEGORICAL -> {
        a = ColumnSample.categorical(ref.numberCounts(), ref.missing());
        b = ColumnSample.categorical(cur.numberCounts(), cur.missing());
        unique = ColumnSample.unionUniqueCount(a, b);
      }
      default -> {
        a = ColumnSample.categorical(ref.labelCounts(), ref.missing());
        b = ColumnSample.categorical(cur.labelCounts(), cur.missing());
        unique = ColumnSample.unionUniqueCount(a, b);
      }
    }
    if (h == null && s.histograms() && kind != ColumnKind.NUMERICAL) {
      h = Histogram.ofCounts(a.counts(), b.counts());
    }
    DriftMethod method =
        s.method() != null
            ? s.method()
            : DefaultMethodSelector.select(kind.type(), a.size(), unique);
    DriftResult r = method.test(a, b, s.options());
    if (r.isError()) {
      throw new IllegalArgumentException("column \"" + ref.name + "\": " + r.error());
    }
    return new DriftReport.Column(
        ref.name,
        kind.type(),
        r,
        h,
        a.size(),
        ref.missing() + refCount - a.size(),
        b.size(),
        cur.missing() + curCount - b.size());
  }

  /** Distinct finite values over two ascending samples, counting no further than {@code cap}. */
  static long unionUniqueUpTo(double[] x, double[] y, long cap) {
    int i = 0;
    int j = 0;
    long n = 0;
    double last = Double.NaN;
    while ((i < x.length || j < y.length) && n < cap) {
      double v = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i++] : y[j++];
      if (Double.isFinite(v) && (n == 0 || v != last)) {
        n++;
        last = v;
      }
    }
    return n;
  }

  /**
   * Rejects a user-chosen method that cannot run on the column's type.
   *
   * @throws IllegalArgumentException for ks or wasserstein on a categorical column
   */
  static void checkMethod(DriftMethod method, String column, ColumnType type) {
    if (type == ColumnType.CATEGORICAL
        && (method == DriftMethods.KS || method == DriftMethods.WASSERSTEIN)) {
      throw new IllegalArgumentException(
          "--method "
              + method.name()
              + ": column \""
              + column
              + "\" is categorical (expected: numerical; choose columns with --columns)");
    }
  }
}
