package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sturges edges and histogram counts against NumPy. Expected values: {@code
 * parity/sturges_edges.txt} from {@code np.histogram_bin_edges(values, bins='sturges')} and {@code
 * np.histogram(values, edges)[0]} (NumPy 1.24.2), written by {@code
 * src/test/python/generate_parity_fixtures.py}. Edges must match bit for bit: binned methods depend
 * on which side of an edge a value falls.
 */
class NumpyHistogramParityTest {

  static Stream<ParityData.Section> cases() {
    return ParityData.sections("sturges_edges.txt").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void edgesAndCountsEqualNumpys(ParityData.Section c) {
    double[] values = (double[]) ParityData.generate(c.get("values"));
    double[] expectedEdges = ParityData.numbers(c.get("edges"));
    double[] expectedCounts = ParityData.numbers(c.get("counts"));

    double[] edges = NumpyHistogram.sturgesEdges(values);
    long[] counts = NumpyHistogram.counts(values, edges);

    assertThat(edges).as(c.name()).containsExactly(expectedEdges);
    assertThat(counts).hasSize(expectedCounts.length);
    for (int i = 0; i < counts.length; i++) {
      assertThat((double) counts[i]).as(c.name() + " bin " + i).isEqualTo(expectedCounts[i]);
    }
  }

  @Test
  void powerOfTwoSizesGetExactlyLog2PlusOneBins() {
    // np.histogram_bin_edges(np.arange(1024.0), bins='sturges') has 12 edges (11 bins)
    double[] a = new double[1024];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    assertThat(NumpyHistogram.sturgesEdges(a)).hasSize(12);
    assertThat(NumpyHistogram.log2(1024)).isEqualTo(10.0);
    assertThat(NumpyHistogram.log2(1L << 40)).isEqualTo(40.0);
  }

  @Test
  void theLastBinIsClosedAndOutsideValuesAreNotCounted() {
    double[] edges = {0, 1, 2};
    assertThat(NumpyHistogram.counts(new double[] {0, 0.5, 1, 2, 2, -1, 3, Double.NaN}, edges))
        .containsExactly(2, 3);
    assertThat(NumpyHistogram.binOf(1.0, edges)).isEqualTo(1);
    assertThat(NumpyHistogram.binOf(2.0, edges)).isEqualTo(1);
    assertThat(NumpyHistogram.binOf(2.5, edges)).isEqualTo(-1);
  }

  /** binOf against its definition, counted by hand: the last edge <= v, the top edge closed. */
  @Test
  void binOfIsTheLastEdgeAtOrBelowTheValueForAnySortedEdges() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    for (int round = 0; round < 2000; round++) {
      int n = 2 + r.nextInt(30);
      double[] edges = new double[n];
      boolean even = round % 2 == 0;
      for (int i = 0; i < n; i++) {
        edges[i] =
            even ? -3 + i * 0.7 : (i == 0 ? r.nextDouble() : edges[i - 1] + r.nextInt(3) * 0.25);
      }
      for (int k = 0; k < 50; k++) {
        double v =
            k % 5 == 0 ? edges[r.nextInt(n)] : edges[0] - 1 + r.nextDouble() * (edges[n - 1] + 2);
        int expected = -1;
        if (v >= edges[0] && v <= edges[n - 1]) {
          for (int i = 0; i < n; i++) {
            if (edges[i] <= v) {
              expected = i;
            }
          }
          expected = Math.min(expected, n - 2);
        }
        assertThat(NumpyHistogram.binOf(v, edges)).as("%s in %s", v, edges).isEqualTo(expected);
      }
    }
  }

  @Test
  void badInputFailsWithTheValueAndTheExpectation() {
    assertThatThrownBy(() -> NumpyHistogram.sturgesEdges(new double[0]))
        .hasMessage("sturges sample size: 0 (expected: > 0)");
    assertThatThrownBy(() -> NumpyHistogram.sturgesEdges(new double[] {1, Double.NaN}))
        .hasMessageContaining("sturges value: NaN");
  }
}
