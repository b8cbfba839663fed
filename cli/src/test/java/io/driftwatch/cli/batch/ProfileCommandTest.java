package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftwatch.stats.drift.ColumnType;
import io.driftwatch.stats.drift.ColumnTyper;
import io.driftwatch.stats.drift.DriftOptions;
import io.driftwatch.stats.drift.DriftResult;
import io.driftwatch.stats.profile.FeatureProfile;
import io.driftwatch.stats.profile.ProfileDrift;
import io.driftwatch.stats.profile.ReferenceProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end tests of {@code driftwatch profile} and of {@code drift} against a profile. */
class ProfileCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path profile(Path input, String... more) {
    Path out = dir.resolve(input.getFileName() + ".dwp");
    String[] args = new String[9 + more.length];
    String[] base = {
      "profile",
      "--input",
      input.toString(),
      "--model",
      "credit-risk",
      "--version",
      "7",
      "--out",
      out.toString()
    };
    System.arraycopy(base, 0, args, 0, 9);
    System.arraycopy(more, 0, args, 9, more.length);
    Cli.Result r = Cli.run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return out;
  }

  /** Below the KLL k every sketch is exact, so the profile equals the builder's byte for byte. */
  @Test
  void profileRoundTripsAndEqualsTheStatsBuilder() throws Exception {
    Tables t = Tables.mixed(71, 150, false);
    Path out = profile(t.csv(dir, "train.csv"));

    ProfileFile file = ProfileFile.read(out);

    assertThat(file.model()).isEqualTo("credit-risk");
    assertThat(file.version()).isEqualTo("7");
    assertThat(file.rows()).isEqualTo(150);
    assertThat(file.profile()).isEqualTo(expectedProfile(t));
    assertThat(ProfileFile.decode("x", file.encode())).isEqualTo(file);
  }

  @Test
  void theSameDataAsJsonLinesGivesTheSameProfile() throws Exception {
    Tables t = Tables.mixed(72, 120, false);
    ProfileFile csv = ProfileFile.read(profile(t.csv(dir, "train.csv")));
    ProfileFile jsonl = ProfileFile.read(profile(t.jsonl(dir, "train.jsonl")));

    assertThat(jsonl.profile()).isEqualTo(csv.profile());
  }

  @Test
  void profileReportsTheColumnTypes() {
    Tables t = Tables.mixed(73, 50, false);
    Cli.Result r =
        Cli.run(
            "profile",
            "--input",
            t.csv(dir, "t.csv").toString(),
            "--model",
            "m",
            "--version",
            "v1",
            "--out",
            dir.resolve("p").toString(),
            "--columns",
            "num,label,few",
            "--kll-k",
            "400");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Profiled 50 rows")
        .contains("num (numerical), label (categorical), few (categorical)");
  }

  @Test
  void badProfileOptionsAreUsageErrors() {
    Path in = Tables.mixed(74, 20, false).csv(dir, "t.csv");
    Cli.Result k =
        Cli.run(
            "profile",
            "--input",
            in.toString(),
            "--model",
            "m",
            "--version",
            "1",
            "--out",
            dir.resolve("p").toString(),
            "--kll-k",
            "3");
    Cli.Result model =
        Cli.run(
            "profile",
            "--input",
            in.toString(),
            "--model",
            " ",
            "--version",
            "1",
            "--out",
            dir.resolve("p").toString());

    assertThat(k.exit()).isEqualTo(2);
    assertThat(k.err()).contains("--kll-k: 3 (expected: 8..65535)");
    assertThat(model.exit()).isEqualTo(2);
    assertThat(model.err()).contains("model:");
  }

  /** With few rows the profile's sketches are exact: sketch mode equals ProfileDrift on them. */
  @Test
  void sketchModeEqualsProfileDriftOnTheSameData() throws Exception {
    Tables ref = Tables.mixed(81, 150, false);
    Tables cur = Tables.mixed(82, 140, true);
    Path p = profile(ref.csv(dir, "ref.csv"));

    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            p.toString(),
            "--current",
            cur.csv(dir, "cur.csv").toString(),
            "--format",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    ReferenceProfile expectedRef = expectedProfile(ref);
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("columns")).hasSize(6);
    for (JsonNode c : root.get("columns")) {
      String name = c.get("name").asText();
      FeatureProfile refFeature = expectedRef.feature(name);
      FeatureProfile window = refFeature.emptyCopy();
      add(window, cur.columns.get(name));
      DriftResult e = ProfileDrift.testDefault(refFeature, window, DriftOptions.defaults());
      assertThat(c.get("method").asText()).as(name).isEqualTo(e.method());
      assertThat(c.get("statistic").asDouble()).as(name).isEqualTo(e.statistic());
      assertThat(c.get("drift").asBoolean()).as(name).isEqualTo(e.drift());
      if (e.hasPValue()) {
        assertThat(c.get("p_value").asDouble()).as(name).isEqualTo(e.pValue());
      } else {
        assertThat(c.get("p_value").isNull()).isTrue();
      }
    }
  }

  /** Past the KLL k the profile is a sketch: each statistic within its stated bound of exact. */
  @Test
  void sketchModeIsWithinItsStatedBoundOfExactMode() throws Exception {
    Tables ref = Tables.mixed(91, 5000, false);
    Tables cur = Tables.mixed(92, 4000, true);
    Path refCsv = ref.csv(dir, "ref.csv");
    Path curCsv = cur.csv(dir, "cur.csv");
    Path p = profile(refCsv);

    Cli.Result text = Cli.run("drift", "--reference", p.toString(), "--current", curCsv.toString());
    JsonNode sketch =
        json(
            "drift",
            "--reference",
            p.toString(),
            "--current",
            curCsv.toString(),
            "--format",
            "json");
    JsonNode exact =
        json(
            "drift",
            "--reference",
            refCsv.toString(),
            "--current",
            curCsv.toString(),
            "--format",
            "json");

    assertThat(text.out()).contains("sketch mode").contains("± bound");
    Map<String, Double> bounds = new HashMap<>();
    for (String line : text.out().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 9 && ref.columns.containsKey(f[0])) {
        bounds.put(f[0], f[4].equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(f[4]));
      }
    }
    assertThat(bounds).hasSize(6);
    for (int i = 0; i < 6; i++) {
      JsonNode s = sketch.get("columns").get(i);
      JsonNode e = exact.get("columns").get(i);
      String name = s.get("name").asText();
      assertThat(s.get("method").asText()).as(name).isEqualTo(e.get("method").asText());
      double bound = bounds.get(name);
      // the text rounds the bound to 4 decimals; a bound of 0 means exact counts
      double allowed = bound == 0 ? 1e-12 : bound + 5e-5;
      assertThat(Math.abs(s.get("statistic").asDouble() - e.get("statistic").asDouble()))
          .as(name + " within ±" + bound)
          .isLessThanOrEqualTo(allowed);
    }
    assertThat(bounds.values()).anyMatch(b -> b > 0).anyMatch(b -> b == 0);
  }

  @Test
  void sketchModeHtmlStatesTheErrorBound() throws Exception {
    Tables ref = Tables.mixed(93, 3000, false);
    Path p = profile(ref.csv(dir, "ref.csv"));
    Path out = dir.resolve("r.html");

    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            p.toString(),
            "--current",
            Tables.mixed(94, 2000, true).csv(dir, "cur.csv").toString(),
            "--format",
            "html",
            "--out",
            out.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(html).contains("sketch mode").contains("&plusmn;").contains("<svg");
    assertThat(html).doesNotContainIgnoringCase("http");
  }

  @Test
  void aColumnNotInTheProfileIsAUsageError() {
    Path p = profile(Tables.mixed(95, 30, false).csv(dir, "ref.csv"));
    Cli.Result r =
        Cli.run(
            "drift",
            "--reference",
            p.toString(),
            "--current",
            Tables.mixed(96, 30, false).csv(dir, "cur.csv").toString(),
            "--columns",
            "num,zz");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(p + ": column \"zz\" is not in the profile");
  }

  private JsonNode json(String... args) throws Exception {
    Cli.Result r = Cli.run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  /** The profile the stats API builds from the same cells, typed by ColumnTyper. */
  private static ReferenceProfile expectedProfile(Tables t) {
    ReferenceProfile.Builder b = ReferenceProfile.builder();
    for (Map.Entry<String, String[]> e : t.columns.entrySet()) {
      String[] cells = e.getValue();
      ColumnTyper.Typed typed = ColumnTyper.typed(cells, cells);
      if (typed.type() == ColumnType.NUMERICAL) {
        b.numerical(e.getKey(), numbers(cells));
      } else if (typed.reference().counts().numericKeys()) {
        b.categorical(e.getKey(), numbers(cells));
      } else {
        b.categorical(e.getKey(), cells);
      }
    }
    return b.build();
  }

  private static void add(FeatureProfile p, String[] cells) {
    boolean numbers = p.type() == ColumnType.NUMERICAL || p.numericKeys();
    for (String c : cells) {
      if (ColumnTyper.isMissing(c)) {
        p.add(null);
      } else if (numbers) {
        p.add(c.equals("True") ? 1.0 : c.equals("False") ? 0.0 : Double.parseDouble(c));
      } else {
        p.add(c);
      }
    }
  }

  private static double[] numbers(String[] cells) {
    double[] v = new double[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      v[i] =
          ColumnTyper.isMissing(c)
              ? Double.NaN
              : c.equals("True") ? 1 : c.equals("False") ? 0 : Double.parseDouble(c);
    }
    return v;
  }
}
