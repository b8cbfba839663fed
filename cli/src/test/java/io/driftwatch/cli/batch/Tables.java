package io.driftwatch.cli.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded test tables: columns of cells, written as CSV or JSON lines. */
final class Tables {
  final Map<String, String[]> columns = new LinkedHashMap<>();

  /** A mixed table: numbers, shifted numbers, few integers, labels, booleans, missing cells. */
  static Tables mixed(long seed, int rows, boolean shifted) {
    SplittableRandom r = new SplittableRandom(seed);
    Tables t = new Tables();
    String[] num = new String[rows];
    String[] moved = new String[rows];
    String[] few = new String[rows];
    String[] label = new String[rows];
    String[] flag = new String[rows];
    String[] gappy = new String[rows];
    String[] colors = {"red", "green", "blue", "black"};
    for (int i = 0; i < rows; i++) {
      num[i] = String.format(Locale.ROOT, "%.4f", r.nextGaussian() * 3 + 10);
      moved[i] = String.format(Locale.ROOT, "%.3f", r.nextGaussian() + (shifted ? 0.8 : 0));
      few[i] = Integer.toString(r.nextInt(shifted ? 3 : 4));
      double u = r.nextDouble();
      label[i] = colors[u < (shifted ? 0.2 : 0.4) ? 0 : u < 0.6 ? 1 : u < 0.9 ? 2 : 3];
      flag[i] = r.nextDouble() < 0.3 ? "True" : "False";
      double g = r.nextDouble();
      gappy[i] =
          g < 0.05 ? "" : g < 0.08 ? "NaN" : g < 0.1 ? "NA" : Long.toString(r.nextLong(1000));
    }
    t.columns.put("num", num);
    t.columns.put("moved", moved);
    t.columns.put("few", few);
    t.columns.put("label", label);
    t.columns.put("flag", flag);
    t.columns.put("gappy", gappy);
    return t;
  }

  int rows() {
    return columns.values().iterator().next().length;
  }

  Path csv(Path dir, String name) {
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", columns.keySet()));
    for (int i = 0; i < rows(); i++) {
      List<String> row = new ArrayList<>();
      for (String[] c : columns.values()) {
        row.add(c[i]);
      }
      lines.add(String.join(",", row));
    }
    return Cli.write(dir, name, lines);
  }

  /** JSON lines: numbers and booleans as JSON literals, missing cells as null, labels quoted. */
  Path jsonl(Path dir, String name) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < rows(); i++) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<String, String[]> e : columns.entrySet()) {
        String v = e.getValue()[i];
        sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": ");
        first = false;
        if (v.isEmpty() || v.equals("NaN") || v.equals("NA")) {
          sb.append("null");
        } else if (v.equals("True") || v.equals("False")) {
          sb.append(v.toLowerCase(Locale.ROOT));
        } else if (v.matches("-?\\d+(\\.\\d+)?")) {
          sb.append(v);
        } else {
          sb.append('"').append(v).append('"');
        }
      }
      lines.add(sb.append('}').toString());
    }
    return Cli.write(dir, name, lines);
  }
}
