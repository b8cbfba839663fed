package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV and JSON-lines readers: RFC 4180 details, JSON details, buffer boundaries. */
class ReadersTest {
  @TempDir Path dir;

  private List<List<String>> read(Path p, InputFormat f) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    try (TableReader r = TableReader.open(p, f, null)) {
      rows.add(r.columns());
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 0; i < r.columns().size(); i++) {
          int s = r.start(i);
          row.add(s < 0 ? null : new String(r.buffer(), s, r.end(i) - s, StandardCharsets.UTF_8));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private Path bytes(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void csvQuotingCrlfBomBlankLinesAndNoFinalNewline() throws IOException {
    Path p =
        bytes(
            "a.csv",
            "\uFEFFa,b,\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\r\n\"two\nlines\",,\"\"\r\nlast,é,z");

    assertThat(read(p, InputFormat.CSV))
        .containsExactly(
            List.of("a", "b", "Unnamed: 2"),
            List.of("x,1", "say \"hi\"", ""),
            List.of("two\nlines", "", ""),
            List.of("last", "é", "z"));
  }

  /** Records that straddle the 1 MiB buffer, and one longer than it, read intact. */
  @Test
  void recordsAcrossBufferBoundaries() throws IOException {
    StringBuilder sb = new StringBuilder("k,v\n");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      String v = i == 20_000 ? "\"" + "q\"\"".repeat(600_000) + "\"" : "value-" + i;
      values.add(i == 20_000 ? "q\"".repeat(600_000) : v);
      sb.append(i).append(',').append(v).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    List<List<String>> rows = read(bytes("big.csv", sb.toString()), InputFormat.CSV);

    assertThat(rows).hasSize(40_001);
    for (int i = 0; i < 40_000; i++) {
      assertThat(rows.get(i + 1)).containsExactly(Integer.toString(i), values.get(i));
    }
  }

  @Test
  void gzipIsReadTransparently() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
    }
    Path p = dir.resolve("x.csv.gz");
    Files.write(p, bos.toByteArray());

    assertThat(InputFormat.detect(p)).isEqualTo(InputFormat.CSV);
    assertThat(read(p, InputFormat.CSV)).containsExactly(List.of("a", "b"), List.of("1", "2"));
  }

  @Test
  void jsonLinesValuesEscapesAndMissingKeys() throws IOException {
    Path p =
        bytes(
            "a.jsonl",
            "{\"a\": 1.5e3, \"b\": \"x\\\"y\\u00e9\\ud83d\\ude00\\n\", \"c\": true}\n"
                + "\n"
                + "  {\"c\": null, \"a\": -0}\r\n"
                + "{\"b\":\"\\/\",\"a\":2,\"c\":false}");

    assertThat(InputFormat.detect(p)).isEqualTo(InputFormat.JSONL);
    assertThat(read(p, InputFormat.JSONL))
        .containsExactly(
            List.of("a", "b", "c"),
            List.of("1.5e3", "x\"yé\uD83D\uDE00\n", "true"),
            java.util.Arrays.asList("-0", null, null),
            List.of("2", "/", "false"));
  }

  @Test
  void jsonLinesSkipUnselectedKeysEvenNested() throws IOException {
    Path p =
        bytes(
            "a.jsonl",
            "{\"a\": 1, \"meta\": {\"x\": [1, {\"y\": \"}\"}]}}\n{\"a\": 2, \"other\": [3]}\n");
    List<String> got = new ArrayList<>();
    try (TableReader r = TableReader.open(p, InputFormat.JSONL, java.util.Set.of("a"))) {
      int a = r.indexOf("a");
      while (r.next()) {
        got.add(new String(r.buffer(), r.start(a), r.end(a) - r.start(a), StandardCharsets.UTF_8));
      }
    }
    assertThat(got).containsExactly("1", "2");
  }

  @Test
  void jsonErrorsNameLineAndCharacter() throws IOException {
    Path p = bytes("e.jsonl", "{\"a\": 1}\n{\"a\": \"é\", \"a\": 2}\n");
    assertThatThrownBy(() -> read(p, InputFormat.JSONL))
        .isInstanceOf(InputException.class)
        .hasMessage(p + ":2:12: duplicate key \"a\"");
    Path q = bytes("q.jsonl", "{\"a\": 1}\n{\"a\": \"open}\n");
    assertThatThrownBy(() -> read(q, InputFormat.JSONL))
        .hasMessage(q + ":2:7: unterminated string");
  }

  @Test
  void detectsFormatsByNameThenContent() throws IOException {
    assertThat(InputFormat.detect(bytes("x.ndjson", "a,b\n"))).isEqualTo(InputFormat.JSONL);
    assertThat(InputFormat.detect(bytes("x.data", "  \n{\"a\":1}\n"))).isEqualTo(InputFormat.JSONL);
    assertThat(InputFormat.detect(bytes("x.data", "a,b\n1,2\n"))).isEqualTo(InputFormat.CSV);
  }
}
