package io.driftwatch.cli.batch;

import io.driftwatch.stats.profile.FeatureProfile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Adds the cells of one column to a {@link FeatureProfile} the same way in the profile command and
 * in sketch mode, so that both see a file alike: numbers (booleans as 1/0) into numerical and
 * number-keyed profiles, {@linkplain CellParser#label labels} into label profiles, missing cells as
 * missing. Text where numbers are expected is an error located at the cell.
 */
final class FeatureFeeder {
  final String name;
  final int index;
  final ColumnKind kind;
  final FeatureProfile profile;
  private final String expectation;
  private final Labels labels = new Labels();

  /**
   * @param expectation why the column must hold numbers, for messages (e.g. "column \"age\" is
   *     numerical in the reference")
   */
  FeatureFeeder(String name, int index, FeatureProfile profile, String expectation) {
    this.name = name;
    this.index = index;
    this.kind = ColumnKind.of(profile);
    this.profile = profile;
    this.expectation = expectation;
  }

  /** Adds this column's cell of the reader's current record. */
  void add(TableReader reader, CellParser cell) {
    int s = reader.start(index);
    int k = s < 0 ? CellParser.MISSING : cell.parse(reader.buffer(), s, reader.end(index));
    if (k == CellParser.MISSING) {
      profile.add(null);
      return;
    }
    if (kind == ColumnKind.LABEL_CATEGORICAL) {
      if (k == CellParser.TEXT) {
        profile.add(labels.intern(reader.buffer(), cell.from, cell.to));
      } else if (k != CellParser.BOOLEAN && Double.isFinite(cell.value)) {
        profile.addNumber(cell.value); // a number among labels: its number key, cached
      } else {
        profile.add(CellParser.label(k, cell.value, null));
      }
      return;
    }
    if (k == CellParser.TEXT) {
      throw CellRef.of(reader, index, cell)
          .error(
              "not a number: "
                  + CellRef.of(reader, index, cell).quoted()
                  + " ("
                  + expectation
                  + ")");
    }
    profile.addNumber(cell.value);
  }

  /**
   * The labels of the last cells, so a label that repeats (categories do) is neither decoded nor
   * hashed again: a direct-mapped cache from UTF-8 bytes to the String.
   */
  static final class Labels {
    private static final int SIZE = 256;
    private static final int MAX_LENGTH = 64;
    private final byte[][] bytes = new byte[SIZE][];
    private final String[] strings = new String[SIZE];

    String intern(byte[] b, int from, int to) {
      int length = to - from;
      if (length > MAX_LENGTH) {
        return new String(b, from, length, StandardCharsets.UTF_8);
      }
      int h = length;
      for (int i = from; i < to; i++) {
        h = 31 * h + b[i];
      }
      int slot = (h ^ (h >>> 16)) & (SIZE - 1);
      byte[] cached = bytes[slot];
      if (cached != null && Arrays.equals(cached, 0, cached.length, b, from, to)) {
        return strings[slot];
      }
      String s = new String(b, from, length, StandardCharsets.UTF_8);
      bytes[slot] = Arrays.copyOfRange(b, from, to);
      strings[slot] = s;
      return s;
    }
  }
}
