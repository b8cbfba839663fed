import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the drift-batch benchmark data: reference.csv and current.csv with the same 20 mixed
 * columns (numerical, integer, boolean, categorical; some with missing cells), some of them shifted
 * in the current file, from a fixed seed. Beside each CSV it writes every column as a raw
 * little-endian array (float64 for numbers, NaN where the cell is empty; int32 codes for labels,
 * -1 where empty) holding exactly the values the CSV text parses to, so that the numpy/scipy
 * baseline computes on the same data without parsing CSV.
 *
 * <p>Usage: java GenerateData.java DIR ROWS [SEED]
 */
public final class GenerateData {

  static final String[] COUNTRIES = {
    "US", "DE", "FR", "GB", "IN", "BR", "JP", "CN", "CA", "AU", "ES", "IT", "NL", "SE", "MX", "KR",
    "PL", "TR", "ZA", "AR"
  };
  static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  static final String[] PLANS = {"free", "basic", "pro", "enterprise"};
  static final String[] CHANNELS = {"organic", "ads", "email", "referral", "social", "partner"};

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int rows = Integer.parseInt(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    Files.createDirectories(dir);
    write(dir, "reference", rows, new SplittableRandom(seed), false);
    write(dir, "current", rows, new SplittableRandom(seed + 1), true);
  }

  static void write(Path dir, String name, int rows, SplittableRandom rnd, boolean current)
      throws IOException {
    Spec[] specs = specs();
    double[][] num = new double[specs.length][];
    int[][] codes = new int[specs.length][];
    for (int c = 0; c < specs.length; c++) {
      if (specs[c].labels == null) {
        num[c] = new double[rows];
      } else {
        codes[c] = new int[rows];
      }
    }
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(dir.resolve(name + ".csv")), 1 << 20)) {
      StringBuilder line = new StringBuilder(256);
      for (int c = 0; c < specs.length; c++) {
        line.append(c == 0 ? "" : ",").append(specs[c].name);
      }
      line.append('\n');
      out.write(line.toString().getBytes());
      byte[] buf = new byte[512];
      for (int r = 0; r < rows; r++) {
        line.setLength(0);
        for (int c = 0; c < specs.length; c++) {
          if (c > 0) {
            line.append(',');
          }
          Spec s = specs[c];
          boolean shift = current && s.shifted;
          if (s.missing > 0 && rnd.nextDouble() < s.missing) {
            if (num[c] != null) {
              num[c][r] = Double.NaN;
            } else {
              codes[c][r] = -1;
            }
            continue;
          }
          if (s.labels != null) {
            int k = s.category(rnd, shift);
            codes[c][r] = k;
            line.append(s.labels[k]);
          } else {
            double v = s.value(rnd, shift);
            if (s.decimals == 0) {
              long iv = Math.round(v);
              line.append(iv);
              num[c][r] = iv;
            } else if (s.decimals < 0) {
              boolean b = v != 0;
              line.append(b ? "True" : "False");
              num[c][r] = b ? 1 : 0;
            } else {
              long scaled = Math.round(v * 1e4);
              appendFixed4(line, scaled);
              num[c][r] = scaled / 1e4;
            }
          }
        }
        line.append('\n');
        int n = line.length();
        if (buf.length < n) {
          buf = new byte[n * 2];
        }
        for (int i = 0; i < n; i++) {
          buf[i] = (byte) line.charAt(i);
        }
        out.write(buf, 0, n);
      }
    }
    // raw columns for the numpy baseline, plus a manifest
    List<String> manifest = new ArrayList<>();
    for (int c = 0; c < specs.length; c++) {
      Spec s = specs[c];
      Path f = dir.resolve(name + "." + c + ".bin");
      ByteBuffer bb;
      if (num[c] != null) {
        bb = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : num[c]) {
          bb.putDouble(v);
        }
      } else {
        bb = ByteBuffer.allocate(rows * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : codes[c]) {
          bb.putInt(v);
        }
      }
      Files.write(f, bb.array());
      manifest.add(
          String.format(
              Locale.ROOT,
              "%s\t%s\t%s\t%d",
              s.name,
              num[c] != null ? "f8" : "i4",
              s.shifted ? "shifted" : "same",
              s.labels == null ? 0 : s.labels.length));
    }
    Files.write(dir.resolve("columns.tsv"), manifest);
  }

  static void appendFixed4(StringBuilder sb, long scaled) {
    if (scaled < 0) {
      sb.append('-');
      scaled = -scaled;
    }
    sb.append(scaled / 10000).append('.');
    long frac = scaled % 10000;
    if (frac < 1000) {
      sb.append('0');
    }
    if (frac < 100) {
      sb.append('0');
    }
    if (frac < 10) {
      sb.append('0');
    }
    sb.append(frac);
  }

  /** A column's distribution. decimals: 4 for decimals, 0 for integers, -1 for booleans. */
  abstract static class Spec {
    final String name;
    final boolean shifted;
    final double missing;
    final int decimals;
    final String[] labels;

    Spec(String name, boolean shifted, double missing, int decimals, String[] labels) {
      this.name = name;
      this.shifted = shifted;
      this.missing = missing;
      this.decimals = decimals;
      this.labels = labels;
    }

    double value(SplittableRandom r, boolean shift) {
      throw new UnsupportedOperationException();
    }

    int category(SplittableRandom r, boolean shift) {
      throw new UnsupportedOperationException();
    }
  }

  interface Num {
    double draw(SplittableRandom r, boolean shift);
  }

  static Spec num(String name, boolean shifted, double missing, int decimals, Num f) {
    return new Spec(name, shifted, missing, decimals, null) {
      @Override
      double value(SplittableRandom r, boolean shift) {
        return f.draw(r, shift);
      }
    };
  }

  static Spec cat(String name, boolean shifted, double missing, String[] labels, double skew) {
    // Zipf-like weights; the shifted side moves mass towards later categories
    double[] base = cumulative(labels.length, skew);
    double[] moved = cumulative(labels.length, skew * 0.6);
    return new Spec(name, shifted, missing, 0, labels) {
      @Override
      int category(SplittableRandom r, boolean shift) {
        double[] c = shift ? moved : base;
        int i = java.util.Arrays.binarySearch(c, r.nextDouble());
        return Math.min(i >= 0 ? i : -i - 1, labels.length - 1);
      }
    };
  }

  static double[] cumulative(int n, double skew) {
    double[] c = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += 1 / Math.pow(i + 1, skew);
      c[i] = total;
    }
    for (int i = 0; i < n; i++) {
      c[i] /= total;
    }
    return c;
  }

  static Spec[] specs() {
    String[] cities = new String[300];
    for (int i = 0; i < cities.length; i++) {
      cities[i] = "city_" + i;
    }
    return new Spec[] {
      num("income", true, 0.0, 4, (r, s) -> Math.exp(10.5 + 0.6 * r.nextGaussian()) * (s ? 1.15 : 1)),
      num("age", false, 0.0, 0, (r, s) -> 18 + Math.floor(r.nextDouble() * 62)),
      num("score", true, 0.02, 4, (r, s) -> r.nextGaussian() + (s ? 0.25 : 0)),
      num("balance", false, 0.01, 4, (r, s) -> -Math.log(1 - r.nextDouble()) * 1000),
      num("tenure_days", false, 0.0, 0, (r, s) -> Math.floor(-Math.log(1 - r.nextDouble()) * 400)),
      num("latency_ms", true, 0.0, 4, (r, s) -> Math.exp(3 + (s ? 0.45 : 0.3) * r.nextGaussian())),
      num("ratio", false, 0.0, 4, (r, s) -> r.nextDouble()),
      num("temperature", false, 0.0, 4, (r, s) -> 20 + 5 * r.nextGaussian()),
      num("clicks", false, 0.0, 0, (r, s) -> Math.floor(-Math.log(1 - r.nextDouble()) * 30)),
      num("bimodal", true, 0.0, 4, (r, s) -> (r.nextDouble() < (s ? 0.6 : 0.5) ? -2 : 2) + r.nextGaussian()),
      num("heavy_tail", false, 0.0, 4, (r, s) -> r.nextGaussian() / Math.max(0.05, Math.abs(r.nextGaussian()))),
      num("sensor", false, 0.05, 4, (r, s) -> 100 + 10 * r.nextGaussian()),
      num("n_children", false, 0.0, 0, (r, s) -> Math.floor(r.nextDouble() * 5)),
      num("rating", true, 0.0, 0, (r, s) -> Math.min(5, 1 + Math.floor(r.nextDouble() * (s ? 4.2 : 5)))),
      num("is_returning", false, 0.0, -1, (r, s) -> r.nextDouble() < 0.4 ? 1 : 0),
      cat("country", true, 0.0, COUNTRIES, 1.1),
      cat("device", false, 0.0, DEVICES, 1.0),
      cat("plan", false, 0.01, PLANS, 1.3),
      cat("channel", false, 0.0, CHANNELS, 0.8),
      cat("city", false, 0.0, cities, 1.05),
    };
  }
}
