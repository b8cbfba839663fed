package io.driftwatch.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact-mode parity tolerance: 1e-9 relative (values that are exactly 0 within 1e-12). */
public final class Parity {

  public static final double RELATIVE = 1e-9;

  private Parity() {}

  public static void assertClose(String what, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
    } else if (Double.isInfinite(expected)) {
      assertThat(actual).as(what).isEqualTo(expected);
    } else if (expected == 0) {
      assertThat(Math.abs(actual)).as(what).isLessThanOrEqualTo(1e-12);
    } else {
      assertThat(Math.abs(actual - expected) / Math.abs(expected))
          .as("%s: actual %s, expected %s", what, actual, expected)
          .isLessThanOrEqualTo(RELATIVE);
    }
  }
}
