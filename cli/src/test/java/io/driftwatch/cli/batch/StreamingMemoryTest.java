package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile and sketch-mode drift read their input in memory that does not grow with its length:
 * each runs in a JVM whose heap is capped below what the file's columns would take as arrays, and
 * exact mode, which does hold them, fails under the same cap (so the cap binds).
 */
class StreamingMemoryTest {
  private static final int ROWS = 1_200_000;
  private static final String HEAP = "-Xmx32m";

  @TempDir static Path dir;
  private static Path data;

  @BeforeAll
  static void writeData() throws IOException {
    data = dir.resolve("data.csv");
    SplittableRandom r = new SplittableRandom(1);
    try (BufferedWriter w = Files.newBufferedWriter(data, StandardCharsets.UTF_8)) {
      w.write("a,b,c,d,e\n");
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < ROWS; i++) {
        sb.setLength(0);
        sb.append((r.nextInt(2_000_000) - 1_000_000) / 1000.0)
            .append(',')
            .append(r.nextInt(100_000) / 100.0)
            .append(',')
            .append(r.nextInt(1_000_000))
            .append(',')
            .append(Math.round(-Math.log(1 - r.nextDouble()) * 1e4) / 1e4)
            .append(",k")
            .append(r.nextInt(50))
            .append('\n');
        w.append(sb);
      }
    }
    // 4 numerical columns x 1.2 M rows are 38.4 MB of doubles alone, more than the 32 MiB heap
    assertThat(4L * 8 * ROWS).isGreaterThan(32L << 20);
  }

  private static int driftwatch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(HEAP);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.driftwatch.cli.Driftwatch");
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void profileAndSketchDriftRunInAFixedSmallHeap() throws Exception {
    Path profile = dir.resolve("data.dwp");

    int built =
        driftwatch(
            "profile",
            "--input",
            data.toString(),
            "--model",
            "m",
            "--version",
            "1",
            "--out",
            profile.toString());
    assertThat(built).as(Files.readString(dir.resolve("child.log"))).isZero();
    int sketch =
        driftwatch(
            "drift",
            "--reference",
            profile.toString(),
            "--current",
            data.toString(),
            "--format",
            "json");
    assertThat(sketch).as(Files.readString(dir.resolve("child.log"))).isZero();

    int exact =
        driftwatch(
            "drift",
            "--reference",
            data.toString(),
            "--current",
            data.toString(),
            "--format",
            "json");
    assertThat(exact).as("exact mode holds the columns and must not fit").isNotZero();
    assertThat(Files.readString(dir.resolve("child.log"))).contains("OutOfMemoryError");
  }
}
