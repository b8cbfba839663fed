package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input ends in exit code 2 and one line naming FILE:LINE:COLUMN (the field
 * number in CSV, the character position in JSON lines), without a stack trace.
 */
class BadInputTest {
  @TempDir Path dir;

  private Path ref;

  private Cli.Result drift(Path reference, Path current, String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "drift";
    args[1] = "--reference=" + reference;
    args[2] = "--current=" + current;
    args[3] = "--format=json";
    System.arraycopy(more, 0, args, 4, more.length);
    return Cli.run(args);
  }

  private Path ref() {
    if (ref == null) {
      ref =
          Cli.write(
              dir,
              "ref.csv",
              "a,b,c",
              "1.5,x,10",
              "2.5,y,11",
              "3.5,x,12",
              "4.5,y,13",
              "5.5,x,14",
              "6.5,y,15",
              "7.5,x,16");
    }
    return ref;
  }

  private static void assertError(Cli.Result r, String located) {
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(located).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aSelectedColumnMissingFromTheReference() {
    assertError(
        drift(ref(), ref(), "--columns", "a,zz"),
        ref() + ":1:1: column \"zz\" not found (the file has: a, b, c)");
  }

  @Test
  void aReferenceColumnMissingFromTheCurrentFile() {
    Path cur = Cli.write(dir, "cur.csv", "a,c", "1,2");
    assertError(drift(ref(), cur), cur + ":1:1: column \"b\" not found (the file has: a, c)");
  }

  @Test
  void anUnparsableNumberInANumericColumn() {
    Path cur = Cli.write(dir, "cur.csv", "a,b,c", "1.5,x,10", "2.5,y,11", "3.x5,x,12", "4,x,1");
    assertError(
        drift(ref(), cur),
        cur + ":4:1: not a number: \"3.x5\" (column \"a\" holds numbers in the reference)");
  }

  @Test
  void anUnparsableNumberInAColumnForcedNumerical() {
    Path r = Cli.write(dir, "r.csv", "a", "1", "2", "oops", "4");
    assertError(drift(r, r, "--numerical", "a"), r + ":4:1: not a number: \"oops\"");
  }

  @Test
  void anUnparsableNumberAgainstAProfile() {
    Path profile = dir.resolve("ref.dwp");
    assertThat(
            Cli.run(
                    "profile",
                    "--input",
                    ref().toString(),
                    "--model",
                    "m",
                    "--version",
                    "1",
                    "--out",
                    profile.toString())
                .exit())
        .isZero();
    Path cur = Cli.write(dir, "cur.csv", "a,b,c", "1.5,x,10", "2.5,y,eleven");
    assertError(drift(profile, cur), cur + ":3:3: not a number: \"eleven\"");
  }

  @Test
  void anEmptyFile() throws Exception {
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    assertError(drift(empty, ref()), empty + ":1:1: empty file (expected: a header line)");
    assertError(drift(ref(), empty), empty + ":1:1: empty file");
    Path blank = Cli.write(dir, "blank.csv", "", "  ".trim(), "");
    assertError(drift(ref(), blank), blank + ":1:1: empty file");
    Path emptyJson = dir.resolve("empty.jsonl");
    Files.writeString(emptyJson, "\n\n");
    assertError(drift(emptyJson, ref()), emptyJson + ":1:1: empty file");
  }

  @Test
  void aHeaderWithoutRows() {
    Path header = Cli.write(dir, "header.csv", "a,b,c");
    assertError(drift(ref(), header), header + ":2:1: no data rows");
  }

  @Test
  void aRaggedRow() {
    Path shortRow = Cli.write(dir, "short.csv", "a,b,c", "1,x,1", "2,y");
    assertError(
        drift(ref(), shortRow),
        shortRow + ":3:3: row has 2 fields (expected: 3, as in the header)");
    Path longRow = Cli.write(dir, "long.csv", "a,b,c", "1,x,1", "2,y,2", "3,x,3,4");
    assertError(
        drift(ref(), longRow), longRow + ":4:4: row has 4 fields (expected: 3, as in the header)");
  }

  @Test
  void lineNumbersCountLinesInsideQuotedFields() {
    Path quoted = Cli.write(dir, "q.csv", "a,b,c", "1,\"two\nlines\",1", "2,\"x\"\"y\",2", "3,z");
    assertError(drift(ref(), quoted), quoted + ":5:3: row has 2 fields");
  }

  @Test
  void anUnterminatedQuote() {
    Path q = Cli.write(dir, "q.csv", "a,b,c", "1,x,1", "2,\"y,2", "3,z,3");
    assertError(drift(ref(), q), q + ":3:2: unterminated quoted field");
  }

  @Test
  void textAfterAClosingQuote() {
    Path q = Cli.write(dir, "q.csv", "a,b,c", "1,\"x\"y,1");
    assertError(drift(ref(), q), q + ":2:2: unexpected character after a closing quote");
  }

  @Test
  void aColumnWithoutAnyValue() {
    Path cur = Cli.write(dir, "cur.csv", "a,b,c", ",x,1", "NaN,y,2", "NA,x,3");
    assertError(
        drift(ref(), cur),
        cur + ":1:1: column \"a\" has no values (every cell is empty or missing)");
  }

  @Test
  void duplicateHeaderNames() {
    Path dup = Cli.write(dir, "dup.csv", "a,b,a", "1,2,3");
    assertError(drift(dup, ref()), dup + ":1:3: duplicate column name \"a\"");
  }

  @Test
  void malformedJsonLines() {
    Path r = Cli.write(dir, "r.jsonl", "{\"a\": 1, \"b\": \"x\"}", "{\"a\": 2, \"b\": \"y\"}");
    Path badValue = Cli.write(dir, "v.jsonl", "{\"a\": 1, \"b\": \"x\"}", "{\"a\": 2x, \"b\": 1}");
    assertError(drift(r, badValue), badValue + ":2:8: expected , or } after a value");
    Path unknown = Cli.write(dir, "u.jsonl", "{\"a\": 1, \"b\": \"x\"}", "{\"a\": 2, \"zz\": 1}");
    assertError(drift(unknown, r), unknown + ":2:10: key \"zz\" is not in the first object");
    Path nested =
        Cli.write(dir, "n.jsonl", "{\"a\": 1, \"b\": \"x\"}", "{\"a\": [1], \"b\": \"y\"}");
    assertError(drift(r, nested), nested + ":2:7: nested value in column \"a\"");
    Path notObject = Cli.write(dir, "o.jsonl", "{\"a\": 1, \"b\": \"x\"}", "[1, 2]");
    assertError(drift(r, notObject), notObject + ":2:1: expected a JSON object");
    Path text =
        Cli.write(dir, "t.jsonl", "{\"a\": 1, \"b\": \"x\"}", "{\"a\": \"one\", \"b\": \"y\"}");
    assertError(drift(r, text), text + ":2:7: not a number: \"one\"");
  }

  @Test
  void usageErrors() {
    assertThat(drift(ref(), ref(), "--method", "nope").err()).contains("--method: nope");
    assertThat(drift(ref(), ref(), "--method", "nope").exit()).isEqualTo(2);
    assertError(
        drift(ref(), ref(), "--method", "ks", "--columns", "b"),
        "--method ks: column \"b\" is categorical");
    assertError(drift(ref(), ref(), "--threshold", "-1"), "--threshold: -1.0 (expected: >= 0)");
    assertError(drift(ref(), ref(), "--drift-share", "2"), "--drift-share: 2.0");
    assertError(drift(dir.resolve("nope.csv"), ref()), "nope.csv: no such file");
    assertError(drift(ref(), dir.resolve("nope.csv")), "nope.csv: no such file");
    assertError(drift(ref(), ref(), "--columns", "a,a"), "--columns: \"a\" given twice");
  }

  @Test
  void exactModeNeedsRawReferenceData() {
    Path profile = dir.resolve("ref.dwp");
    Cli.run(
        "profile",
        "--input",
        ref().toString(),
        "--model",
        "m",
        "--version",
        "1",
        "--out",
        profile.toString());
    assertError(drift(profile, ref(), "--exact"), "--exact: " + profile + " is a profile");
  }

  @Test
  void aCorruptProfile() throws Exception {
    Path profile = dir.resolve("ref.dwp");
    Cli.run(
        "profile",
        "--input",
        ref().toString(),
        "--model",
        "m",
        "--version",
        "1",
        "--out",
        profile.toString());
    byte[] b = Files.readAllBytes(profile);
    b[b.length / 2] ^= 0x5A;
    Files.write(profile, b);
    assertError(drift(profile, ref()), profile + ": corrupt or truncated profile");
    Files.write(profile, java.util.Arrays.copyOf(b, 20));
    assertError(drift(profile, ref()), profile + ": corrupt or truncated profile");
  }
}
