package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftwatch drift --sketch} on a reference data file: the same report as profiling the
 * reference with {@code driftwatch profile} and comparing against that profile, which is what it
 * does in one command (with the second reference pass beside the current file's pass).
 */
class SketchOptionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  // 150 rows: below the KLL sketch's k (200), where the sketches hold every value and neither run
  // draws random compactions, so the two routes must agree to the last digit.
  @Test
  void equalsProfilingTheReferenceThenComparingAgainstTheProfile() throws Exception {
    Path ref = Tables.mixed(1, 150, false).csv(dir, "ref.csv");
    Path cur = Tables.mixed(2, 140, true).csv(dir, "cur.csv");
    Path profile = dir.resolve("ref.dwp");
    Cli.Result built =
        Cli.run(
            "profile",
            "--input",
            ref.toString(),
            "--model",
            "m",
            "--version",
            "1",
            "--out",
            profile.toString());
    assertThat(built.exit()).as(built.err()).isZero();

    Cli.Result viaProfile =
        Cli.run(
            "drift",
            "--reference",
            profile.toString(),
            "--current",
            cur.toString(),
            "--format",
            "json");
    Cli.Result oneCommand =
        Cli.run(
            "drift",
            "--sketch",
            "--reference",
            ref.toString(),
            "--current",
            cur.toString(),
            "--format",
            "json");

    assertThat(viaProfile.exit()).as(viaProfile.err()).isZero();
    assertThat(oneCommand.exit()).as(oneCommand.err()).isZero();
    JsonNode expected = JSON.readTree(viaProfile.out());
    assertThat(expected.get("columns")).hasSize(6);
    assertThat(JSON.readTree(oneCommand.out())).isEqualTo(expected);
  }

  @Test
  void typesForcedOnTheCommandLineApplyToTheReferenceProfile() throws Exception {
    Path ref = Tables.mixed(1, 150, false).csv(dir, "ref.csv");
    Path cur = Tables.mixed(2, 140, true).csv(dir, "cur.csv");

    Cli.Result r =
        Cli.run(
            "drift",
            "--sketch",
            "--categorical",
            "gappy",
            "--reference",
            ref.toString(),
            "--current",
            cur.toString(),
            "--format",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode gappy = JSON.readTree(r.out()).get("columns").get(5);
    assertThat(gappy.get("name").asText()).isEqualTo("gappy");
    assertThat(gappy.get("type").asText()).isEqualTo("categorical");
  }

  @Test
  void sketchAndExactTogetherAreAUsageError() {
    Path ref = Tables.mixed(1, 50, false).csv(dir, "ref.csv");

    Cli.Result r =
        Cli.run(
            "drift",
            "--sketch",
            "--exact",
            "--reference",
            ref.toString(),
            "--current",
            ref.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--sketch and --exact");
  }

  @Test
  void aBadCellInTheCurrentFileIsLocatedWhileTheReferenceIsStillBeingRead() {
    Path ref = Tables.mixed(1, 3000, false).csv(dir, "ref.csv");
    Path cur = Cli.write(dir, "cur.csv", "num,moved", "1.5,2", "2.5,oops");

    Cli.Result r =
        Cli.run(
            "drift",
            "--sketch",
            "--columns",
            "num,moved",
            "--reference",
            ref.toString(),
            "--current",
            cur.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("cur.csv:3:2") // line 3, second field
        .contains("oops")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
