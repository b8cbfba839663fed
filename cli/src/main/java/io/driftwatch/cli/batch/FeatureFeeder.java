package io.driftwatch.cli.batch;

import io.driftwatch.stats.profile.FeatureProfile;

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
      profile.add(
          CellParser.label(
              k, cell.value, k == CellParser.TEXT ? cell.text(reader.buffer()) : null));
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
    profile.add(cell.value);
  }
}
