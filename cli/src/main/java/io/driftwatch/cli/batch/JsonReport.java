package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DriftResult;

/**
 * The JSON form of a drift report, exactly {@code {"columns":[{"name","type","method","statistic",
 * "p_value","threshold","drift"}],"share_drifted","dataset_drift"}}: {@code type} is {@code
 * numerical} or {@code categorical}; {@code statistic} is KS D, the chi-square statistic or z for
 * p-value methods and the distance otherwise, null when infinite (chi-square with a category new in
 * the current data, whose {@code p_value} is then 0); {@code p_value} is null for distances; {@code
 * share_drifted} is null when no column was tested. One column per line.
 */
final class JsonReport {

  private JsonReport() {}

  static String render(DriftReport report) {
    StringBuilder sb = new StringBuilder(256 + 160 * report.columns().size());
    sb.append("{\n  \"columns\": [");
    boolean first = true;
    for (DriftReport.Column c : report.columns()) {
      DriftResult r = c.result();
      sb.append(first ? "\n" : ",\n");
      first = false;
      sb.append("    {\"name\": ");
      string(sb, c.name());
      sb.append(", \"type\": \"")
          .append(c.type() == ColumnType.NUMERICAL ? "numerical" : "categorical")
          .append("\", \"method\": ");
      string(sb, r.method());
      sb.append(", \"statistic\": ").append(number(r.statistic()));
      sb.append(", \"p_value\": ").append(r.hasPValue() ? number(r.pValue()) : "null");
      sb.append(", \"threshold\": ").append(number(r.threshold()));
      sb.append(", \"drift\": ").append(r.drift()).append('}');
    }
    sb.append(first ? "],\n" : "\n  ],\n");
    sb.append("  \"share_drifted\": ").append(number(report.dataset().share())).append(",\n");
    sb.append("  \"dataset_drift\": ").append(report.dataset().drift()).append("\n}\n");
    return sb.toString();
  }

  /** A JSON number, or null for NaN and ±∞ (JSON has neither). */
  static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
