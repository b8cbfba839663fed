package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.ColumnTyper;
import io.driftwatch.stats.drift.DatasetDrift;
import io.driftwatch.stats.drift.DriftMethods;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.drift.DriftResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end tests of {@code driftwatch drift} in exact mode, through the real command line. */
class DriftCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void jsonHasExactlyTheSpecifiedShape() throws Exception {
    Path ref = Tables.mixed(1, 300, false).csv(dir, "ref.csv");
    Path cur = Tables.mixed(2, 250, true).csv(dir, "cur.csv");

    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            ref.toString(),
            "--current",
            cur.toString(),
            "--format",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode root = JSON.readTree(r.out());
    assertThat(names(root)).containsExactly("columns", "share_drifted", "dataset_drift");
    assertThat(root.get("columns")).hasSize(6);
    for (JsonNode c : root.get("columns")) {
      assertThat(names(c))
          .containsExactly("name", "type", "method", "statistic", "p_value", "threshold", "drift");
      assertThat(c.get("type").asText()).isIn("numerical", "categorical");
      assertThat(c.get("drift").isBoolean()).isTrue();
      assertThat(c.get("threshold").isNumber()).isTrue();
    }
    assertThat(root.get("share_drifted").isNumber()).isTrue();
    assertThat(root.get("dataset_drift").isBoolean()).isTrue();
  }

  /** Small samples: p-value tests (ks, chisquare, z); large ones: distances. */
  @ParameterizedTest
  @ValueSource(ints = {300, 3000})
  void valuesEqualTheStatsApiOnTheSameCells(int rows) throws Exception {
    Tables ref = Tables.mixed(11, rows, false);
    Tables cur = Tables.mixed(12, rows - 50, true);

    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            ref.csv(dir, "r.csv").toString(),
            "--current",
            cur.csv(dir, "c.csv").toString(),
            "--format",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, DriftResult> expected = new LinkedHashMap<>();
    Map<String, ColumnType> types = new LinkedHashMap<>();
    for (String name : ref.columns.keySet()) {
      ColumnTyper.Typed t = ColumnTyper.typed(ref.columns.get(name), cur.columns.get(name));
      types.put(name, t.type());
      expected.put(
          name, DatasetDrift.testColumn(t.reference(), t.current(), DriftOptions.defaults()));
    }
    JsonNode root = JSON.readTree(r.out());
    List<String> methods = new ArrayList<>();
    for (JsonNode c : root.get("columns")) {
      String name = c.get("name").asText();
      DriftResult e = expected.get(name);
      assertThat(c.get("type").asText())
          .isEqualTo(types.get(name) == ColumnType.NUMERICAL ? "numerical" : "categorical");
      assertThat(c.get("method").asText()).as(name).isEqualTo(e.method());
      assertThat(c.get("statistic").asDouble()).as(name).isEqualTo(e.statistic());
      if (e.hasPValue()) {
        assertThat(c.get("p_value").asDouble()).as(name).isEqualTo(e.pValue());
      } else {
        assertThat(c.get("p_value").isNull()).as(name).isTrue();
      }
      assertThat(c.get("threshold").asDouble()).isEqualTo(e.threshold());
      assertThat(c.get("drift").asBoolean()).as(name).isEqualTo(e.drift());
      methods.add(e.method());
    }
    DatasetDrift d = DatasetDrift.of(expected, 0.5);
    assertThat(root.get("share_drifted").asDouble()).isEqualTo(d.share());
    assertThat(root.get("dataset_drift").asBoolean()).isEqualTo(d.drift());
    // the data exercises both families of methods
    if (rows <= 1000) {
      assertThat(methods).contains("ks", "chisquare", "z");
    } else {
      assertThat(methods).containsOnly("wasserstein", "jensenshannon");
    }
  }

  /**
   * Expected values computed independently with SciPy 1.10.1 (Debian python3-scipy):
   *
   * <pre>
   * stats.ks_2samp(ref, cur)                        -> D 0.65, p 0.010543635930632832
   * stats.wasserstein_distance(ref, cur) / np.std(ref) -> 1.1148958853676991
   * f_exp = [10, 6, 4] * 20 / 20; stats.chisquare([5, 7, 8], f_exp) -> 6.666666666666666,
   *                                                                    0.0356739933472524
   * distance.jensenshannon([.5, .3, .2], [.25, .35, .4]) -> 0.1979640680902352
   * </pre>
   */
  @Test
  void matchesScipyOnFixedData() throws Exception {
    double[] ref = {1.2, 3.4, 2.2, 5.1, 0.3, 4.4, 2.9, 3.3, 1.8, 2.5, 6.0, 0.9};
    double[] cur = {2.1, 4.8, 5.5, 3.9, 6.2, 4.1, 5.0, 3.6, 7.1, 4.4};
    List<String> r = new ArrayList<>(List.of("x,c"));
    List<String> c = new ArrayList<>(List.of("x,c"));
    String[] refLabels = labels(10, 6, 4);
    String[] curLabels = labels(5, 7, 8);
    for (int i = 0; i < 20; i++) {
      r.add((i < ref.length ? Double.toString(ref[i]) : "") + "," + refLabels[i]);
      c.add((i < cur.length ? Double.toString(cur[i]) : "") + "," + curLabels[i]);
    }
    Path rp = Cli.write(dir, "ref.csv", r);
    Path cp = Cli.write(dir, "cur.csv", c);

    JsonNode ks =
        json("drift", "--reference", rp.toString(), "--current", cp.toString(), "--format", "json")
            .get("columns");
    assertThat(ks.get(0).get("method").asText()).isEqualTo("ks");
    assertThat(ks.get(0).get("statistic").asDouble()).isCloseTo(0.65, within(1e-12));
    assertThat(ks.get(0).get("p_value").asDouble())
        .isCloseTo(0.010543635930632832, within(1e-9 * 0.0105));
    assertThat(ks.get(1).get("method").asText()).isEqualTo("chisquare");
    assertThat(ks.get(1).get("statistic").asDouble())
        .isCloseTo(6.666666666666666, within(1e-9 * 6.67));
    assertThat(ks.get(1).get("p_value").asDouble())
        .isCloseTo(0.0356739933472524, within(1e-9 * 0.0357));

    JsonNode w =
        json(
                "drift",
                "--reference",
                rp.toString(),
                "--current",
                cp.toString(),
                "--columns",
                "x",
                "--method",
                "wasserstein",
                "--format",
                "json")
            .get("columns");
    assertThat(w.get(0).get("statistic").asDouble())
        .isCloseTo(1.1148958853676991, within(1e-9 * 1.12));
    assertThat(w.get(0).get("p_value").isNull()).isTrue();

    JsonNode js =
        json(
                "drift",
                "--reference",
                rp.toString(),
                "--current",
                cp.toString(),
                "--columns",
                "c",
                "--method",
                "jensenshannon",
                "--format",
                "json")
            .get("columns");
    assertThat(js.get(0).get("statistic").asDouble())
        .isCloseTo(0.1979640680902352, within(1e-9 * 0.198));
  }

  @Test
  void aCategoryNewInCurrentWritesAnInfiniteChiSquareAsNull() throws Exception {
    Path ref = Cli.write(dir, "r.csv", "c", "a", "b", "c", "a", "b", "c");
    Path cur = Cli.write(dir, "k.csv", "c", "a", "b", "d", "a", "b", "c");

    JsonNode c =
        json(
                "drift",
                "--reference",
                ref.toString(),
                "--current",
                cur.toString(),
                "--format",
                "json")
            .get("columns")
            .get(0);

    assertThat(c.get("method").asText()).isEqualTo("chisquare");
    assertThat(c.get("statistic").isNull()).isTrue();
    assertThat(c.get("p_value").asDouble()).isZero();
    assertThat(c.get("drift").asBoolean()).isTrue();
  }

  @Test
  void emptyCellsAndNanAreMissingNeverZero() throws Exception {
    List<String> r = new ArrayList<>(List.of("v"));
    List<String> c = new ArrayList<>(List.of("v"));
    List<String> cClean = new ArrayList<>(List.of("v"));
    List<String> cZero = new ArrayList<>(List.of("v"));
    for (int i = 0; i < 40; i++) {
      r.add(Double.toString(1 + i * 0.25));
      String v = Double.toString(1.5 + i * 0.25);
      c.add(v);
      cClean.add(v);
      cZero.add(v);
    }
    for (String missing : List.of("", "NaN", "nan", "NA", "null", " ")) {
      c.add(missing);
      cZero.add("0");
    }
    Path ref = Cli.write(dir, "r.csv", r);
    double withMissing = statistic(ref, Cli.write(dir, "c.csv", c));
    double dropped = statistic(ref, Cli.write(dir, "clean.csv", cClean));
    double zeros = statistic(ref, Cli.write(dir, "zero.csv", cZero));

    assertThat(withMissing).isEqualTo(dropped);
    assertThat(zeros).isNotEqualTo(dropped);
  }

  @Test
  void jsonLinesGiveTheSameResultAsCsv() throws Exception {
    Tables ref = Tables.mixed(21, 400, false);
    Tables cur = Tables.mixed(22, 380, true);

    String fromCsv =
        Cli.run(
                "drift",
                "--reference",
                ref.csv(dir, "r.csv").toString(),
                "--current",
                cur.csv(dir, "c.csv").toString(),
                "--format",
                "json")
            .out();
    Cli.Result fromJson =
        Cli.run(
            "drift",
            "--reference",
            ref.jsonl(dir, "r.jsonl").toString(),
            "--current",
            cur.jsonl(dir, "c.jsonl").toString(),
            "--format",
            "json");

    assertThat(fromJson.exit()).as(fromJson.err()).isZero();
    assertThat(fromJson.out()).isEqualTo(fromCsv);
  }

  @Test
  void failOnDriftExitsOneOnlyWhenTheDatasetDrifts() {
    Path ref = Tables.mixed(31, 300, false).csv(dir, "r.csv");
    Path same = Tables.mixed(32, 300, false).csv(dir, "same.csv");
    Tables moved = Tables.mixed(33, 300, true);
    moved.columns.put("num", moved.columns.get("moved"));
    Path drifted = moved.csv(dir, "moved.csv");

    Cli.Result quiet =
        Cli.run(
            "drift",
            "--reference",
            ref.toString(),
            "--current",
            same.toString(),
            "--fail-on-drift");
    Cli.Result loud =
        Cli.run(
            "drift",
            "--reference",
            ref.toString(),
            "--current",
            drifted.toString(),
            "--fail-on-drift");
    Cli.Result withoutFlag =
        Cli.run("drift", "--reference", ref.toString(), "--current", drifted.toString());

    assertThat(quiet.exit()).as(quiet.out() + quiet.err()).isZero();
    assertThat(loud.exit()).as(loud.out() + loud.err()).isEqualTo(1);
    assertThat(loud.out()).contains("Dataset drift: DETECTED");
    assertThat(withoutFlag.exit()).isZero();
  }

  @Test
  void optionsReachTheMethods() throws Exception {
    Tables ref = Tables.mixed(41, 300, false);
    Tables cur = Tables.mixed(42, 300, true);
    Path r = ref.csv(dir, "r.csv");
    Path c = cur.csv(dir, "c.csv");

    JsonNode psi =
        json(
            "drift",
            "--reference",
            r.toString(),
            "--current",
            c.toString(),
            "--columns",
            "num,label",
            "--method",
            "psi",
            "--threshold",
            "0.01",
            "--format",
            "json");

    assertThat(psi.get("columns")).hasSize(2);
    for (JsonNode col : psi.get("columns")) {
      String name = col.get("name").asText();
      ColumnTyper.Typed t = ColumnTyper.typed(ref.columns.get(name), cur.columns.get(name));
      DriftResult e =
          DriftMethods.PSI.test(
              t.reference(), t.current(), DriftOptions.defaults().withThreshold(0.01));
      assertThat(col.get("method").asText()).isEqualTo("psi");
      assertThat(col.get("statistic").asDouble()).isEqualTo(e.statistic());
      assertThat(col.get("threshold").asDouble()).isEqualTo(0.01);
      assertThat(col.get("drift").asBoolean()).isEqualTo(e.drift());
    }
    JsonNode share =
        json(
            "drift",
            "--reference",
            r.toString(),
            "--current",
            c.toString(),
            "--drift-share",
            "0.01",
            "--format",
            "json");
    assertThat(share.get("dataset_drift").asBoolean())
        .isEqualTo(share.get("share_drifted").asDouble() >= 0.01);
  }

  @Test
  void textIsAnAlignedTable() {
    Path ref = Tables.mixed(51, 300, false).csv(dir, "r.csv");
    Path cur = Tables.mixed(52, 300, true).csv(dir, "c.csv");

    Cli.Result r = Cli.run("drift", "--reference", ref.toString(), "--current", cur.toString());

    assertThat(r.exit()).isZero();
    List<String> table = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      if (line.startsWith("column") || line.matches("^(num|moved|few|label|flag|gappy) .*")) {
        table.add(line);
      }
    }
    assertThat(table).hasSize(7);
    int drift = table.get(0).indexOf("drift");
    int threshold = table.get(0).indexOf("threshold") + "threshold".length();
    for (String line : table.subList(1, table.size())) {
      assertThat(line.substring(drift)).isIn("ok", "DRIFT");
      // numbers are right-aligned under their header
      assertThat(line.charAt(threshold - 1)).isNotEqualTo(' ');
    }
    assertThat(r.out()).contains("Dataset drift:");
  }

  @Test
  void htmlIsOneSelfContainedPageWithHistograms() throws Exception {
    Path ref = Tables.mixed(61, 2000, false).csv(dir, "r.csv");
    Path cur = Tables.mixed(62, 1500, true).csv(dir, "c.csv");
    Path out = dir.resolve("report.html");

    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            ref.toString(),
            "--current",
            cur.toString(),
            "--format",
            "html",
            "--out",
            out.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Report: " + out);
    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(html).doesNotContainIgnoringCase("http");
    assertThat(html)
        .doesNotContainIgnoringCase("<script")
        .doesNotContain("src=")
        .doesNotContain("@import")
        .doesNotContain("url(");
    // a histogram per column, plus the verdict meter
    assertThat(html.split("<svg", -1)).hasSize(6 + 1 + 1);
    assertThat(html).contains("DRIFT").contains("reference").contains("current");
  }

  @Test
  void htmlEscapesNamesAndLabels() throws Exception {
    Path ref = Cli.write(dir, "r.csv", "\"<b>&x\"", "<i>", "a", "<i>", "a");
    Path cur = Cli.write(dir, "c.csv", "\"<b>&x\"", "<i>", "a", "a", "\"'\"");

    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            ref.toString(),
            "--current",
            cur.toString(),
            "--format",
            "html");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .doesNotContain("<b>&x")
        .doesNotContain("<i>")
        .contains("&lt;b&gt;&amp;x")
        .contains("&lt;i&gt;")
        .contains("&#39;");
  }

  private JsonNode json(String... args) throws Exception {
    Cli.Result r = Cli.run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  private double statistic(Path ref, Path cur) throws Exception {
    return json(
            "drift", "--reference", ref.toString(), "--current", cur.toString(), "--format", "json")
        .get("columns")
        .get(0)
        .get("statistic")
        .asDouble();
  }

  private static String[] labels(int a, int b, int c) {
    String[] out = new String[a + b + c];
    for (int i = 0; i < out.length; i++) {
      out[i] = i < a ? "a" : i < a + b ? "b" : "c";
    }
    return out;
  }

  private static List<String> names(JsonNode node) {
    List<String> n = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      n.add(it.next());
    }
    return n;
  }
}
