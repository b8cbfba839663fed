package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one-sample Kolmogorov distribution behind ks_2samp's asymptotic p-value against {@code
 * scipy.stats.kstwo.sf(x, n)} (SciPy 1.10.1) on a grid that crosses every algorithm switch
 * (Ruben–Gambino, Durbin/MTW, Pomeranz, Pelz–Good, Smirnov, n = 140/141, 100 000/100 001, n &gt;
 * 10^6). Expected values: {@code parity/kstwo_sf.txt}.
 */
class KolmogorovDistributionParityTest {

  @Test
  void survivalFunctionEqualsScipyKstwo() {
    List<String> lines = ParityData.lines("kstwo_sf.txt");
    assertThat(lines).hasSizeGreaterThan(150);
    for (String line : lines) {
      String[] f = line.split(" ");
      long n = Long.parseLong(f[0]);
      double x = Double.parseDouble(f[1]);
      double expected = Double.parseDouble(f[2]);
      double actual = KolmogorovDistribution.sf(n, x);
      if (expected < 1e-250) {
        assertThat(actual).as(line).isLessThan(1e-240);
      } else {
        Parity.assertClose("kstwo.sf(" + x + ", " + n + ")", actual, expected);
      }
    }
  }

  @Test
  void boundaries() {
    assertThat(KolmogorovDistribution.sf(10, 0.0)).isEqualTo(1.0);
    assertThat(KolmogorovDistribution.sf(10, 0.05)).isEqualTo(1.0);
    assertThat(KolmogorovDistribution.sf(10, 1.0)).isEqualTo(0.0);
    assertThat(KolmogorovDistribution.cdf(10, 1.0)).isEqualTo(1.0);
    assertThat(KolmogorovDistribution.sf(0, 0.5)).isNaN();
  }
}
