package io.driftwatch.stats.drift;

/**
 * Evidently's automatic method choice ({@code registry.py::_get_default_stattest}, legacy API):
 *
 * <table>
 *   <caption>Default method by column type, n_unique (reference ∪ current) and n_ref</caption>
 *   <tr><th>column</th><th>n_ref ≤ 1000</th><th>n_ref &gt; 1000</th></tr>
 *   <tr><td>numerical, n_unique &gt; 5</td><td>ks</td><td>wasserstein</td></tr>
 *   <tr><td>numerical n_unique ≤ 5, or categorical, with n_unique &gt; 2</td>
 *       <td>chisquare</td><td>jensenshannon</td></tr>
 *   <tr><td>n_unique ≤ 2</td><td>z</td><td>jensenshannon</td></tr>
 * </table>
 *
 * <p>n_ref counts the non-missing reference values of the column. Text columns are not supported.
 */
public final class DefaultMethodSelector {

  /** Reference sizes up to this use p-value tests; above it, distances. */
  public static final long MAX_REFERENCE_FOR_TESTS = 1000;

  /** Numerical columns with more distinct values than this use ks / wasserstein. */
  public static final long MAX_UNIQUE_FOR_COUNT_TESTS = 5;

  /** Columns with at most this many distinct values use the z-test (small references). */
  public static final long MAX_UNIQUE_FOR_Z = 2;

  private DefaultMethodSelector() {}

  /**
   * The default method.
   *
   * @param type the column type
   * @param referenceSize n_ref, the non-missing reference values
   * @param uniqueCount n_unique, distinct non-missing values over reference and current
   */
  public static DriftMethod select(ColumnType type, long referenceSize, long uniqueCount) {
    boolean small = referenceSize <= MAX_REFERENCE_FOR_TESTS;
    if (type == ColumnType.NUMERICAL && uniqueCount > MAX_UNIQUE_FOR_COUNT_TESTS) {
      return small ? DriftMethods.KS : DriftMethods.WASSERSTEIN;
    }
    if (!small) {
      return DriftMethods.JENSENSHANNON;
    }
    return uniqueCount > MAX_UNIQUE_FOR_Z ? DriftMethods.CHISQUARE : DriftMethods.Z;
  }

  /** The default method for two samples of one column. */
  public static DriftMethod select(ColumnSample reference, ColumnSample current) {
    return select(
        reference.type(), reference.size(), ColumnSample.unionUniqueCount(reference, current));
  }
}
