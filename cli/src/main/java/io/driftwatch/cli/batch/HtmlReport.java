package io.driftwatch.cli.batch;

import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A drift report as one self-contained HTML page: inline CSS and inline SVG, no script, no external
 * resource. A verdict banner, a summary table, then one card per column (drifted columns first)
 * with the reference and current distributions side by side: numerical columns as histograms over
 * the reference's Sturges bins (plus bins for values below and above the reference range),
 * categorical ones as paired bars of the most frequent categories.
 */
final class HtmlReport {
  private static final String CSS =
      """
      :root{--ref:#9aa5b1;--cur:#1c7ed6;--drift:#d9480f;--ok:#2b8a3e;--ink:#1f2933;--muted:#616e7c;\
      --line:#e4e7eb;--bg:#f5f7fa}
      *{box-sizing:border-box}
      body{margin:0;font:15px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;\
      color:var(--ink);background:var(--bg)}
      main{max-width:1160px;margin:0 auto;padding:28px 24px 48px}
      h1{font-size:26px;margin:0 0 4px}
      .sub{color:var(--muted);margin:0 0 20px}
      .sub b{color:var(--ink);font-weight:600}
      .verdict{border-radius:12px;padding:18px 22px;color:#fff;display:flex;gap:28px;\
      align-items:center;flex-wrap:wrap;margin-bottom:22px}
      .verdict.drift{background:linear-gradient(135deg,#c92a2a,#e8590c)}
      .verdict.ok{background:linear-gradient(135deg,#2b8a3e,#37b24d)}
      .verdict .big{font-size:24px;font-weight:700}
      .verdict .detail{opacity:.95}
      .verdict svg{display:block}
      table{border-collapse:collapse;width:100%;background:#fff;border-radius:10px;\
      overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.06);margin-bottom:26px}
      th,td{padding:8px 12px;text-align:left;border-bottom:1px solid var(--line);font-size:14px}
      th{background:#fbfcfd;color:var(--muted);font-weight:600;font-size:12px;\
      text-transform:uppercase;letter-spacing:.04em}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      tr:last-child td{border-bottom:0}
      a{color:inherit}
      .badge{display:inline-block;padding:2px 9px;border-radius:999px;font-size:12px;\
      font-weight:700;letter-spacing:.03em;color:#fff}
      .badge.drift{background:var(--drift)}
      .badge.ok{background:var(--ok)}
      .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:18px;\
      align-items:start}
      .card{background:#fff;border-radius:12px;padding:16px 18px 12px;\
      box-shadow:0 1px 2px rgba(0,0,0,.06);border-top:4px solid var(--ok)}
      .card.drift{border-top-color:var(--drift)}
      .card h2{font-size:17px;margin:0;display:flex;justify-content:space-between;\
      align-items:center;gap:12px;word-break:break-all}
      .meta{color:var(--muted);font-size:13px;margin:4px 0 10px}
      .meta b{color:var(--ink);font-weight:600}
      .legend{color:var(--muted);font-size:12px;margin:6px 0 0;display:flex;gap:14px;\
      flex-wrap:wrap}
      .sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;\
      vertical-align:-1px}
      .sw.ref{background:var(--ref)}
      .sw.cur{background:var(--cur)}
      svg text{font:11px -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:#52606d}
      .foot{color:var(--muted);font-size:12px;margin-top:26px}
      @media print{body{background:#fff}.card,table{box-shadow:none;border:1px solid var(--line)}}
      """;

  private static final int W = 520;

  private HtmlReport() {}

  static String render(DriftReport report) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    DatasetDrift d = report.dataset();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Data drift: ")
        .append(esc(report.current()))
        .append(" vs ")
        .append(esc(report.reference()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    sb.append("<h1>Data drift report</h1>\n<p class=\"sub\">Current <b>")
        .append(esc(report.current()))
        .append("</b> (")
        .append(report.currentRows())
        .append(" rows) against reference <b>")
        .append(esc(report.reference()))
        .append("</b> (")
        .append(report.referenceRows())
        .append(" rows) &middot; ")
        .append(
            report.sketch()
                ? "sketch mode: statistics computed from profiles carry an error bound"
                : "exact mode: every value compared")
        .append("</p>\n");
    verdict(sb, d);
    summary(sb, report);
    sb.append("<section class=\"grid\">\n");
    List<DriftReport.Column> ordered = new ArrayList<>();
    for (DriftReport.Column c : report.columns()) {
      if (c.result().drift()) {
        ordered.add(c);
      }
    }
    for (DriftReport.Column c : report.columns()) {
      if (!c.result().drift()) {
        ordered.add(c);
      }
    }
    for (DriftReport.Column c : ordered) {
      card(sb, c, report.sketch());
    }
    sb.append("</section>\n<p class=\"foot\">Methods, defaults and thresholds follow Evidently's")
        .append(" legacy data-drift preset: p-value tests drift below their threshold (ks: at")
        .append(" or below), distances at or above it. Generated by driftwatch drift.</p>\n")
        .append("</main>\n</body>\n</html>\n");
    return sb.toString();
  }

  private static void verdict(StringBuilder sb, DatasetDrift d) {
    boolean drift = d.drift();
    sb.append("<section class=\"verdict ")
        .append(drift ? "drift" : "ok")
        .append("\">\n<div><div class=\"big\">")
        .append(
            d.tested() == 0
                ? "No column could be tested"
                : drift ? "Dataset drift detected" : "No dataset drift")
        .append("</div>\n<div class=\"detail\">")
        .append(d.drifted())
        .append(" of ")
        .append(d.tested())
        .append(d.tested() == 1 ? " column" : " columns")
        .append(" drifted (")
        .append(esc(pct(d.share())))
        .append("); the dataset drifts from ")
        .append(esc(pct(d.driftShare())))
        .append(" of its columns</div></div>\n");
    int w = 320;
    int h = 18;
    double share = Double.isNaN(d.share()) ? 0 : d.share();
    sb.append(svgOpen(w, h + 16, "Share of drifted columns"))
        .append(rect(0, 0, w, h, "rgba(255,255,255,.3)", 1, 4))
        .append(rect(0, 0, w * share, h, "#fff", 0.95, 4));
    double tx = w * d.driftShare();
    sb.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"-2\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1f2933\""
                    + " stroke-width=\"2\"/>",
                tx,
                tx,
                h + 2))
        .append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" style=\"fill:#fff\">"
                    + "threshold %s</text>",
                Math.min(Math.max(tx, 40), w - 40),
                h + 14,
                esc(pct(d.driftShare()))))
        .append("</svg>\n</section>\n");
  }

  private static void summary(StringBuilder sb, DriftReport report) {
    boolean sketch = report.sketch();
    sb.append("<table>\n<thead><tr><th>Column</th><th>Type</th><th>Method</th>")
        .append("<th style=\"text-align:right\">Statistic</th>");
    if (sketch) {
      sb.append("<th style=\"text-align:right\">&plusmn; bound</th>");
    }
    sb.append("<th style=\"text-align:right\">p-value</th>")
        .append("<th style=\"text-align:right\">Effect size</th>")
        .append("<th style=\"text-align:right\">Threshold</th><th>Verdict</th></tr></thead>\n")
        .append("<tbody>\n");
    for (DriftReport.Column c : report.columns()) {
      DriftResult r = c.result();
      sb.append("<tr><td><a href=\"#")
          .append(anchor(c.name()))
          .append("\">")
          .append(esc(c.name()))
          .append("</a></td><td>")
          .append(typeName(c.type()))
          .append("</td><td>")
          .append(esc(r.method()))
          .append("</td><td class=\"num\">")
          .append(statistic(r))
          .append("</td>");
      if (sketch) {
        sb.append("<td class=\"num\">").append(bound(r.errorBound())).append("</td>");
      }
      sb.append("<td class=\"num\">")
          .append(r.hasPValue() ? TextReport.format(r.pValue()) : "&ndash;")
          .append("</td><td class=\"num\">")
          .append(r.hasPValue() ? esc(TextReport.effectSize(r)) : "&ndash;")
          .append("</td><td class=\"num\">")
          .append(TextReport.format(r.threshold()))
          .append("</td><td>")
          .append(badge(r.drift()))
          .append("</td></tr>\n");
    }
    sb.append("</tbody>\n</table>\n");
  }

  private static void card(StringBuilder sb, DriftReport.Column c, boolean sketch) {
    DriftResult r = c.result();
    sb.append("<article class=\"card")
        .append(r.drift() ? " drift" : "")
        .append("\" id=\"")
        .append(anchor(c.name()))
        .append("\">\n<h2><span>")
        .append(esc(c.name()))
        .append("</span>")
        .append(badge(r.drift()))
        .append("</h2>\n<p class=\"meta\">")
        .append(typeName(c.type()))
        .append(" &middot; <b>")
        .append(esc(r.method()))
        .append("</b> ")
        .append(statistic(r));
    if (sketch && r.errorBound() != 0) {
      sb.append(" &plusmn; ").append(bound(r.errorBound()));
    }
    if (r.hasPValue()) {
      sb.append(" &middot; p = ").append(TextReport.format(r.pValue()));
      sb.append(" &middot; effect size ").append(esc(TextReport.effectSize(r)));
    }
    sb.append(" &middot; threshold ")
        .append(TextReport.format(r.threshold()))
        .append(" &middot; ")
        .append(decisionRule(r))
        .append("</p>\n");
    Histogram h = c.histogram();
    if (h == null) {
      sb.append("<p class=\"meta\">No histogram.</p>\n");
    } else if (h.numerical()) {
      numerical(sb, h, c.name());
    } else {
      categorical(sb, h, c.name());
    }
    sb.append("<p class=\"legend\"><span><span class=\"sw ref\"></span>reference (")
        .append(c.referenceCount())
        .append(" values, ")
        .append(esc(pct(share(c.referenceMissing(), c.referenceCount() + c.referenceMissing()))))
        .append(" missing)</span><span><span class=\"sw cur\"></span>current (")
        .append(c.currentCount())
        .append(" values, ")
        .append(esc(pct(share(c.currentMissing(), c.currentCount() + c.currentMissing()))))
        .append(" missing)</span></p>\n</article>\n");
  }

  /** Histograms: per bin a grey reference bar and a blue current bar side by side. */
  private static void numerical(StringBuilder sb, Histogram h, String name) {
    int bins = h.edges().length - 1;
    long[] ref = h.reference();
    long[] cur = h.current();
    boolean under = ref[0] + cur[0] > 0;
    boolean over = ref[bins + 1] + cur[bins + 1] > 0;
    double rt = Math.max(1, sum(ref));
    double ct = Math.max(1, sum(cur));
    List<Integer> slots = new ArrayList<>();
    if (under) {
      slots.add(0);
    }
    for (int i = 1; i <= bins; i++) {
      slots.add(i);
    }
    if (over) {
      slots.add(bins + 1);
    }
    double max = 0;
    for (int i : slots) {
      max = Math.max(max, Math.max(ref[i] / rt, cur[i] / ct));
    }
    max = niceMax(max);
    int left = 46;
    int right = 12;
    int top = 10;
    int plotH = 170;
    int bottom = 34;
    int height = top + plotH + bottom;
    double gap = 8;
    double extra = (under ? gap : 0) + (over ? gap : 0);
    double slotW = (W - left - right - extra) / slots.size();
    sb.append(svgOpen(W, height, "Histogram of " + name));
    axesY(sb, left, top, plotH, max);
    double x = left;
    double[] xs = new double[slots.size()];
    for (int k = 0; k < slots.size(); k++) {
      int i = slots.get(k);
      if (under && k == 1) {
        x += gap;
      }
      if (over && k == slots.size() - 1) {
        x += gap;
      }
      xs[k] = x;
      double rh = plotH * (ref[i] / rt) / max;
      double ch = plotH * (cur[i] / ct) / max;
      String tip =
          binLabel(h, i, bins)
              + ": reference "
              + pct(ref[i] / rt)
              + ", current "
              + pct(cur[i] / ct);
      sb.append("<g><title>").append(esc(tip)).append("</title>");
      double barW = Math.max(1, (slotW - 3) / 2);
      sb.append(rect(x + 1, top + plotH - rh, barW, rh, "var(--ref)", 1, 1));
      sb.append(rect(x + 1 + barW, top + plotH - ch, barW, ch, "var(--cur)", 1, 1));
      sb.append("</g>");
      x += slotW;
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>",
            left,
            top + plotH,
            W - right,
            top + plotH));
    int ty = top + plotH + 15;
    int firstBin = under ? 1 : 0;
    int lastBin = slots.size() - (over ? 2 : 1);
    double[] e = h.edges();
    int[] ticks = {0, bins / 2, bins};
    for (int t : ticks) {
      double tx = xs[firstBin] + slotW * t;
      if (t == bins) {
        tx = xs[lastBin] + slotW;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9aa5b1\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
              tx,
              top + plotH,
              tx,
              top + plotH + 4,
              tx,
              ty,
              esc(compact(e[t]))));
    }
    if (under) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">below</text>",
              xs[0] + slotW / 2,
              ty + 13));
    }
    if (over) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">above</text>",
              xs[slots.size() - 1] + slotW / 2,
              ty + 13));
    }
    sb.append("</svg>\n");
  }

  /** Paired horizontal bars per category: reference above, current below. */
  private static void categorical(StringBuilder sb, Histogram h, String name) {
    String[] cats = h.categories();
    long[] ref = h.reference();
    long[] cur = h.current();
    double rt = Math.max(1, sum(ref));
    double ct = Math.max(1, sum(cur));
    double max = 0;
    for (int i = 0; i < cats.length; i++) {
      max = Math.max(max, Math.max(ref[i] / rt, cur[i] / ct));
    }
    max = niceMax(max);
    int left = 130;
    int right = 96;
    int rowH = 24;
    int top = 6;
    int height = top + rowH * cats.length + 8;
    double plotW = W - left - right;
    sb.append(svgOpen(W, height, "Category shares of " + name));
    for (int i = 0; i < cats.length; i++) {
      int y = top + i * rowH;
      String label =
          i == cats.length - 1 && h.otherCategories() > 0
              ? "other (" + h.otherCategories() + ")"
              : displayCategory(cats[i]);
      double rs = ref[i] / rt;
      double cs = cur[i] / ct;
      String tip = label + ": reference " + pct(rs) + ", current " + pct(cs);
      sb.append("<g><title>").append(esc(tip)).append("</title>");
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
              left - 8,
              y + 15,
              esc(shorten(label, 20))));
      sb.append(rect(left, y + 3, plotW * rs / max, 8, "var(--ref)", 0.95, 1));
      sb.append(rect(left, y + 12, plotW * cs / max, 8, "var(--cur)", 0.9, 1));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\">%s \u2192 %s</text>",
              left + plotW * Math.max(rs, cs) / max + 6,
              y + 15,
              esc(pct(rs)),
              esc(pct(cs))));
      sb.append("</g>");
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>",
            left,
            top,
            left,
            height - 8));
    sb.append("</svg>\n");
  }

  private static void axesY(StringBuilder sb, int left, int top, int plotH, double max) {
    for (int k = 0; k <= 2; k++) {
      double v = max * k / 2;
      double y = top + plotH - plotH * k / 2.0;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e7eb\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
              left,
              y,
              W - 12,
              y,
              left - 6,
              y + 4,
              esc(pct(v))));
    }
  }

  private static String svgOpen(int w, int h, String label) {
    return String.format(
        Locale.ROOT,
        "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\""
            + " style=\"max-width:100%%;height:auto\">",
        w,
        h,
        w,
        h,
        esc(label));
  }

  private static String rect(
      double x, double y, double w, double h, String fill, double opacity, double radius) {
    return String.format(
        Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\" fill=\"%s\""
            + " fill-opacity=\"%.2f\"/>",
        x,
        y,
        Math.max(0, w),
        Math.max(0, h),
        radius,
        fill,
        opacity);
  }

  private static String binLabel(Histogram h, int i, int bins) {
    double[] e = h.edges();
    if (i == 0) {
      return "below " + compact(e[0]);
    }
    if (i == bins + 1) {
      return "above " + compact(e[bins]);
    }
    return "[" + compact(e[i - 1]) + ", " + compact(e[i]) + (i == bins ? "]" : ")");
  }

  private static String decisionRule(DriftResult r) {
    if (!r.hasPValue()) {
      return "drifts when &ge; threshold";
    }
    return "ks".equals(r.method())
        ? "drifts when p &le; threshold"
        : "drifts when p &lt; threshold";
  }

  private static String statistic(DriftResult r) {
    return Double.isInfinite(r.statistic()) ? "&infin;" : TextReport.format(r.statistic());
  }

  private static String bound(double b) {
    return Double.isInfinite(b) ? "no bound" : b == 0 ? "0 (exact)" : TextReport.format(b);
  }

  private static String badge(boolean drift) {
    return drift
        ? "<span class=\"badge drift\">DRIFT</span>"
        : "<span class=\"badge ok\">OK</span>";
  }

  private static String typeName(ColumnType t) {
    return t == ColumnType.NUMERICAL ? "numerical" : "categorical";
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long v : a) {
      s += v;
    }
    return s;
  }

  /** A round upper bound of the y axis (shares), so gridlines land on readable percentages. */
  private static double niceMax(double v) {
    if (v <= 0) {
      return 1;
    }
    double[] steps = {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0};
    for (double s : steps) {
      if (v <= s) {
        return s;
      }
    }
    return 1;
  }

  /** A share as a percentage, plain text (escape it for HTML). */
  static String pct(double v) {
    if (Double.isNaN(v)) {
      return "\u2013";
    }
    double p = 100 * v;
    if (p != 0 && Math.abs(p) < 0.1) {
      return "<0.1%";
    }
    return String.format(Locale.ROOT, p == Math.rint(p) ? "%.0f%%" : "%.1f%%", p);
  }

  private static String compact(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.4g", v);
      if (s.contains(".") && !s.contains("e")) {
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return s;
    }
    return String.format(Locale.ROOT, "%.2e", v);
  }

  /** Integer-valued numeric keys ("2.0") shown as integers. */
  private static String displayCategory(String key) {
    return key.matches("-?\\d+\\.0") ? key.substring(0, key.length() - 2) : key;
  }

  private static String shorten(String s, int max) {
    return s.codePointCount(0, s.length()) <= max
        ? s
        : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "\u2026";
  }

  private static String anchor(String name) {
    StringBuilder sb = new StringBuilder("col-");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
    }
    sb.append('-').append(Integer.toHexString(name.hashCode()));
    return sb.toString();
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
