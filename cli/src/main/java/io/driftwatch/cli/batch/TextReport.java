package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A drift report as an aligned plain-text table for a terminal: one row per column, numbers right
 * aligned, the sketch error bound next to each statistic in sketch mode, then the dataset verdict.
 */
final class TextReport {

  private TextReport() {}

  static String render(DriftReport report) {
    List<String[]> rows = new ArrayList<>();
    boolean sketch = report.sketch();
    rows.add(
        sketch
            ? new String[] {
              "column",
              "type",
              "method",
              "statistic",
              "± bound",
              "p_value",
              "effect size",
              "threshold",
              "drift"
            }
            : new String[] {
              "column",
              "type",
              "method",
              "statistic",
              "p_value",
              "effect size",
              "threshold",
              "drift"
            });
    for (DriftReport.Column c : report.columns()) {
      DriftResult r = c.result();
      List<String> row = new ArrayList<>();
      row.add(c.name());
      row.add(c.type() == ColumnType.NUMERICAL ? "numerical" : "categorical");
      row.add(r.method());
      row.add(Double.isInfinite(r.statistic()) ? "inf" : format(r.statistic()));
      if (sketch) {
        row.add(bound(r.errorBound()));
      }
      row.add(r.hasPValue() ? format(r.pValue()) : "-");
      row.add(effectSize(r));
      row.add(format(r.threshold()));
      row.add(r.drift() ? "DRIFT" : "ok");
      rows.add(row.toArray(new String[0]));
    }
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] row : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], row[i].codePointCount(0, row[i].length()));
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Data drift: ")
        .append(report.current())
        .append(" (")
        .append(report.currentRows())
        .append(" rows) against ")
        .append(report.reference())
        .append(" (")
        .append(report.referenceRows())
        .append(" rows), ")
        .append(sketch ? "sketch mode: statistics from profiles, with error bounds" : "exact mode")
        .append("\n\n");
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        boolean right = i >= 3 && i < cols - 1;
        int pad = width[i] - row[i].codePointCount(0, row[i].length());
        if (right) {
          line.append(" ".repeat(pad)).append(row[i]);
        } else {
          line.append(row[i]);
          if (i < cols - 1) {
            line.append(" ".repeat(pad));
          }
        }
        if (i < cols - 1) {
          line.append("  ");
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    sb.append('\n').append(verdict(report.dataset())).append('\n');
    sb.append(
        "effect size: beside a p-value, how large the difference is whatever the sample size"
            + " (KS D, Cramér's V, Cohen's h); --min-effect-size gates on it.\n");
    if (sketch) {
      sb.append(
          "± bound: how far a statistic computed from the profile can be from the exact one"
              + " (0: exact; inf: no bound claimed).\n");
    }
    return sb.toString();
  }

  /** The effect size of a p-value test with its measure, e.g. {@code 0.12 cramers_v}; else "-". */
  static String effectSize(DriftResult r) {
    if (!r.hasPValue() || Double.isNaN(r.effectSize()) || r.effectSizeMeasure() == null) {
      return "-";
    }
    return format(r.effectSize()) + " " + r.effectSizeMeasure();
  }

  /** One sentence with the dataset verdict. */
  static String verdict(DatasetDrift d) {
    if (d.tested() == 0) {
      return "Dataset drift: no column could be tested.";
    }
    return String.format(
        Locale.ROOT,
        "Dataset drift: %s. %d of %d columns drifted (%.1f%%; the dataset drifts from %.0f%%).",
        d.drift() ? "DETECTED" : "not detected",
        d.drifted(),
        d.tested(),
        100 * d.share(),
        100 * d.driftShare());
  }

  /** A number in at most about 6 characters of significance, plain for moderate magnitudes. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) {
      String s = String.format(Locale.ROOT, "%.4f", v);
      return s;
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }

  private static String bound(double b) {
    if (Double.isInfinite(b)) {
      return "inf";
    }
    return b == 0 ? "0" : format(b);
  }
}
