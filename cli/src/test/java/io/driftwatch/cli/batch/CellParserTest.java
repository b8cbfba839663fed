package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftwatch.stats.drift.ColumnTyper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte-level cell reader agrees with the stats module's pandas-like typing, token by token. */
class CellParserTest {
  private static final List<String> TOKENS =
      List.of(
          "",
          " ",
          "NA",
          "N/A",
          "#N/A",
          "#N/A N/A",
          "#NA",
          "-1.#IND",
          "-1.#QNAN",
          "-NaN",
          "-nan",
          "1.#IND",
          "1.#QNAN",
          "<NA>",
          "NULL",
          "NaN",
          "None",
          "n/a",
          "nan",
          "null",
          " NA ",
          "na",
          "Na",
          "none",
          "Null",
          "NAN",
          "0",
          "1",
          "-1",
          "+7",
          "007",
          "1.5",
          "-.5",
          ".5",
          "5.",
          "1e5",
          "1E-3",
          "-2.5e+10",
          "1e",
          "e5",
          ".",
          "-",
          "+",
          "1.2.3",
          "1,5",
          "0x10",
          "1_000",
          "inf",
          "-inf",
          "+inf",
          "Inf",
          "INF",
          "infinity",
          "-Infinity",
          "+INFINITY",
          "infx",
          "True",
          "TRUE",
          "true",
          "False",
          "FALSE",
          "false",
          "tRUE",
          "yes",
          "abc",
          "N",
          "#",
          " 12 ",
          "\t3.5",
          "é",
          "12abc",
          "1 2");

  private static int parse(CellParser p, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return p.parse(b, 0, b.length);
  }

  @Test
  void missingMeansWhatColumnTyperSaysItMeans() {
    CellParser p = new CellParser();
    for (String t : TOKENS) {
      assertThat(parse(p, t) == CellParser.MISSING)
          .as("'%s'", t)
          .isEqualTo(ColumnTyper.isMissing(t));
    }
  }

  @Test
  void eachTokenAloneTypesLikeColumnTyper() {
    for (String t : TOKENS) {
      String[] column = {t, t, t};
      assertThat(type(column)).as("'%s'", t).isEqualTo(ColumnTyper.infer(column, column));
    }
  }

  /** Property: random columns drawn from the token pool type the same both ways. */
  @Test
  void randomColumnsTypeLikeColumnTyper() {
    SplittableRandom r = new SplittableRandom(5);
    List<String> pools = new ArrayList<>(TOKENS);
    for (int i = 0; i < 3000; i++) {
      int n = 1 + r.nextInt(12);
      String[] column = new String[n];
      // mostly from a narrow slice so that homogeneous columns are common
      int from = r.nextInt(pools.size());
      int width = 1 + r.nextInt(r.nextBoolean() ? 3 : pools.size());
      for (int k = 0; k < n; k++) {
        column[k] = pools.get((from + r.nextInt(width)) % pools.size());
      }
      assertThat(type(column))
          .as(String.join("|", column))
          .isEqualTo(ColumnTyper.infer(column, column));
    }
  }

  @Test
  void integerColumnsWithFewValuesAreCategorical() {
    String[] few = {"1", "2", "3", "4", "5", "1"};
    String[] six = {"1", "2", "3", "4", "5", "6"};
    String[] fewWithMissing = {"1", "2", "", "1"};
    assertThat(type(few)).isEqualTo(ColumnTyper.infer(few, few));
    assertThat(type(six)).isEqualTo(ColumnTyper.infer(six, six));
    assertThat(type(fewWithMissing)).isEqualTo(ColumnTyper.infer(fewWithMissing, fewWithMissing));
  }

  @Test
  void numbersParseToTheCorrectlyRoundedDouble() {
    CellParser p = new CellParser();
    SplittableRandom r = new SplittableRandom(9);
    List<String> samples =
        new ArrayList<>(
            List.of(
                "0",
                "-0",
                "-0.0",
                "0.1",
                "0.30000000000000004",
                "123456789012345678901234",
                "9007199254740993",
                "1e22",
                "1e23",
                "1.7976931348623157e308",
                "1e309",
                "4.9e-324",
                "2.2250738585072014E-308",
                "000123.4500",
                "1234567890.123456789"));
    for (int i = 0; i < 20000; i++) {
      double v = r.nextGaussian() * Math.pow(10, r.nextInt(-12, 13));
      samples.add(String.format(Locale.ROOT, "%." + r.nextInt(0, 18) + "f", v));
      samples.add(Double.toString(v));
      samples.add(Long.toString(r.nextLong()));
    }
    for (String s : samples) {
      int kind = parse(p, s);
      assertThat(kind).as(s).isIn(CellParser.INTEGER, CellParser.DECIMAL);
      assertThat(Double.doubleToRawLongBits(p.value))
          .as(s)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
    }
  }

  @Test
  void labelsAreCanonical() {
    assertThat(CellParser.label(CellParser.INTEGER, 1, "1")).isEqualTo("1.0");
    assertThat(CellParser.label(CellParser.DECIMAL, 1, "1.00")).isEqualTo("1.0");
    assertThat(CellParser.label(CellParser.BOOLEAN, 1, "true")).isEqualTo("True");
    assertThat(CellParser.label(CellParser.TEXT, 0, "abc")).isEqualTo("abc");
    assertThat(CellParser.label(CellParser.MISSING, 0, "")).isNull();
  }

  private static io.driftwatch.stats.drift.ColumnType type(String[] cells) {
    TypeTally t = new TypeTally();
    CellParser p = new CellParser();
    FakeRow row = new FakeRow();
    for (String c : cells) {
      row.set(c);
      t.accept(parse(p, c), p, row, 0);
    }
    return t.resolve("c", null).type();
  }

  /** A one-cell reader, for feeding TypeTally directly. */
  static final class FakeRow extends TableReader {
    private byte[] cell = new byte[0];

    FakeRow() {
      super("fake");
    }

    void set(String s) {
      cell = s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    List<String> columns() {
      return List.of("c");
    }

    @Override
    boolean next() {
      return false;
    }

    @Override
    long line() {
      return 1;
    }

    @Override
    byte[] buffer() {
      return cell;
    }

    @Override
    int start(int column) {
      return 0;
    }

    @Override
    int end(int column) {
      return cell.length;
    }

    @Override
    long position(int column) {
      return 1;
    }

    @Override
    long headerPosition(int column) {
      return 1;
    }

    @Override
    long records() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
