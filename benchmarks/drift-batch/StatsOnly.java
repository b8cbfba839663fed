import io.driftwatch.stats.drift.CategoryCounts;
import io.driftwatch.stats.drift.ColumnSample;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.drift.DriftResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java counterpart of scipy_baseline.py: the same 20 default drift methods through the stats
 * API (io.driftwatch.stats.drift) on the same preloaded arrays, one thread, no CSV parsing. Only
 * the statistics are timed: building each column's sample (which sorts it) and testing it.
 *
 * <p>Usage: java -cp CLI_CLASSPATH StatsOnly.java DIR; prints "seconds cpu_seconds".
 */
public final class StatsOnly {
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    List<String> manifest = Files.readAllLines(dir.resolve("columns.tsv"));
    Object[][] data = new Object[manifest.size()][2];
    for (int c = 0; c < manifest.size(); c++) {
      boolean f8 = manifest.get(c).split("\t")[1].equals("f8");
      data[c][0] = load(dir.resolve("reference." + c + ".bin"), f8);
      data[c][1] = load(dir.resolve("current." + c + ".bin"), f8);
    }
    var bean = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = bean.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    Map<String, DriftResult> out = new HashMap<>();
    for (int c = 0; c < data.length; c++) {
      ColumnSample[] s = samples(data[c][0], data[c][1]);
      out.put(manifest.get(c).split("\t")[0],
          DatasetDrift.testColumn(s[0], s[1], DriftOptions.defaults()));
    }
    long t1 = System.nanoTime();
    long c1 = bean.getCurrentThreadCpuTime();
    if (out.size() != data.length) {
      throw new IllegalStateException("columns lost");
    }
    System.out.printf("%.3f %.3f%n", (t1 - t0) / 1e9, (c1 - c0) / 1e9);
  }

  /** Legacy typing as the baseline does it: integer columns with at most 5 values are categories. */
  static ColumnSample[] samples(Object ref, Object cur) {
    if (ref instanceof int[] r) {
      return new ColumnSample[] {codes(r), codes((int[]) cur)};
    }
    double[] r = (double[]) ref;
    double[] k = (double[]) cur;
    boolean integer = true;
    Set<Double> distinct = new HashSet<>();
    for (double v : r) {
      if (Double.isNaN(v) || v != Math.floor(v)) {
        integer = false;
        break;
      }
      if (distinct.size() <= 5) {
        distinct.add(v);
      }
    }
    if (integer && distinct.size() <= 5) {
      return new ColumnSample[] {ColumnSample.categorical(r), ColumnSample.categorical(k)};
    }
    return new ColumnSample[] {ColumnSample.numerical(r), ColumnSample.numerical(k)};
  }

  static ColumnSample codes(int[] codes) {
    long[] counts = new long[1024];
    long missing = 0;
    for (int v : codes) {
      if (v < 0) {
        missing++;
      } else {
        counts[v]++;
      }
    }
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        m.put("c" + i, counts[i]);
      }
    }
    return ColumnSample.categorical(CategoryCounts.of(m, false), missing);
  }

  static Object load(Path p, boolean f8) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    if (f8) {
      double[] v = new double[b.remaining() / 8];
      b.asDoubleBuffer().get(v);
      return v;
    }
    int[] v = new int[b.remaining() / 4];
    b.asIntBuffer().get(v);
    return v;
  }
}
