package io.driftwatch.cli.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DoubleSortTest {
  /** Property: the radix sort orders exactly like Arrays.sort, special values included. */
  @Test
  void sortsLikeArraysSort() {
    SplittableRandom r = new SplittableRandom(3);
    double[] specials = {
      -0.0,
      0.0,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.MIN_VALUE,
      -Double.MIN_VALUE,
      Double.MAX_VALUE,
      -Double.MAX_VALUE
    };
    for (int round = 0; round < 40; round++) {
      int n = round < 5 ? round : 4096 + r.nextInt(60_000);
      double[] a = new double[n];
      int style = round % 4;
      for (int i = 0; i < n; i++) {
        a[i] =
            switch (style) {
              case 0 -> r.nextGaussian() * 1e6;
              case 1 -> Math.floor(r.nextDouble() * 7);
              case 2 -> Double.longBitsToDouble(r.nextLong());
              default -> r.nextInt(20) == 0 ? specials[r.nextInt(specials.length)] : r.nextDouble();
            };
      }
      double[] expected = a.clone();
      Arrays.sort(expected);
      DoubleSort.sort(a);
      for (int i = 0; i < n; i++) {
        assertThat(Double.doubleToLongBits(a[i]))
            .as("round %d index %d", round, i)
            .isEqualTo(Double.doubleToLongBits(expected[i]));
      }
    }
  }
}
