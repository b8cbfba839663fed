package io.driftwatch.stats.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The boxes of exact zero-filled shares and the psi / kl_div ranges over them, on cases small
 * enough to derive by hand. Expected values are worked out in the comments (logs to 6 digits were
 * checked with a calculator; the asserted figures carry more).
 */
class ShareIntervalsTest {

  private static final boolean[] NONE = {false, false};

  @Test
  void twoBinsGivePsiAndKlRangesFromTheBoxCorners() {
    // n = 1000 on both sides: a true share is 0 or >= 0.001 > 1e-4, so a zero would be filled with
    // 1e-4; no sketched share is 0, so no bin can be empty. Boxes (sketched ± e, e = 0.05):
    //   p: [0.25, 0.35], [0.65, 0.75]      q: [0.45, 0.55], [0.45, 0.55]
    ShareIntervals p = ShareIntervals.of(new double[] {0.3, 0.7}, 0.05, 1000, NONE, NONE);
    ShareIntervals q = ShareIntervals.of(new double[] {0.5, 0.5}, 0.05, 1000, NONE, NONE);
    assertThat(p.low(0)).isCloseTo(0.25, within(1e-15));
    assertThat(p.high(1)).isCloseTo(0.75, within(1e-15));
    assertThat(q.low(1)).isCloseTo(0.45, within(1e-15));

    // psi term f = (q − p)·ln(q/p). Bin 1: p < q all over the box, so the minimum is at the
    // corner nearest the diagonal, (p, q) = (0.35, 0.45): 0.1·ln(9/7) = 0.0251314; the maximum is
    // the farthest corner (0.25, 0.55): 0.3·ln(2.2) = 0.2365372. Bin 2: q < p all over the box,
    // minimum at (0.65, 0.55): 0.1·ln(13/11) = 0.0167054; maximum at (0.75, 0.45):
    // 0.3·ln(5/3) = 0.1532477. Range [0.0418368, 0.3897849].
    ShareIntervals.Range psi = ShareIntervals.psi(p, q);
    assertThat(psi.low()).isCloseTo(0.04183685129, within(1e-10));
    assertThat(psi.high()).isCloseTo(0.38978489524, within(1e-10));
    // the sketched psi is 0.2·ln(5/3) + 0.2·ln(7/5) = 0.1694596, so the bound is the distance to
    // the far end: 0.3897849 − 0.1694596 = 0.2203253
    assertThat(psi.boundAround(0.16945957208)).isCloseTo(0.22032532316, within(1e-10));

    // kl term g = p·ln(p/q), decreasing in q, minimal in p at q/e. Bin 1: q = 0.55, p =
    // clip(0.55/e = 0.2023, [0.25, 0.35]) = 0.25: 0.25·ln(5/11) = −0.1971143; maximum over the
    // corners at (0.35, 0.45): 0.35·ln(7/9) = −0.0879600. Bin 2: q = 0.55, p = 0.65:
    // 0.65·ln(13/11) = 0.1085852; maximum at (0.75, 0.45): 0.75·ln(5/3) = 0.3831192.
    // Range [−0.0885292, 0.2951592]. Nothing can be empty, so normalising changes nothing.
    ShareIntervals.Range kl = ShareIntervals.klDiv(p.normalized(), q.normalized());
    assertThat(kl.low()).isCloseTo(-0.08852918506, within(1e-10));
    assertThat(kl.high()).isCloseTo(0.29515916793, within(1e-10));
    // the sketched kl_div is 0.3·ln(3/5) + 0.7·ln(7/5) = 0.0822829: bound 0.2951592 − 0.0822829
    assertThat(kl.boundAround(0.08228287851)).isCloseTo(0.21287628942, within(1e-10));
  }

  @Test
  void aBinTheSketchShowsEmptyMayHoldAFewValuesOrBeFilledWithEitherFill() {
    // n = 100 000, e = 0.001. Bin 0: sketched 0, not known occupied: empty (filled) or holding
    // 1/n = 1e-5 .. e. Bins 1 and 2 hold min and max: [0.399, 0.401] and [0.599, 0.601]. Bin 3
    // lies beyond max: certainly empty. The true smallest non-zero share lies in [1e-5, 0.401],
    // so a zero is filled with 1e-5/1e6 = 1e-11 up to 1e-4.
    ShareIntervals p =
        ShareIntervals.of(
            new double[] {0, 0.4, 0.6, 0},
            0.001,
            100_000,
            new boolean[] {false, false, false, true},
            new boolean[] {false, true, true, false});
    assertThat(p.low(0)).isCloseTo(1e-11, within(1e-24));
    assertThat(p.high(0)).isCloseTo(0.001, within(1e-18));
    assertThat(p.low(1)).isCloseTo(0.399, within(1e-15));
    assertThat(p.high(2)).isCloseTo(0.601, within(1e-15));
    assertThat(p.low(3)).isCloseTo(1e-11, within(1e-24));
    assertThat(p.high(3)).isCloseTo(1e-4, within(1e-19));
    // two bins may be filled, each with at most 1e-4: the filled shares sum to at most 1.0002
    ShareIntervals n = p.normalized();
    assertThat(n.low(1)).isCloseTo(0.399 / 1.0002, within(1e-15));
    assertThat(n.high(1)).isCloseTo(0.401, within(1e-15));
  }

  @Test
  void exactSharesGiveDegenerateBoxesWithEvidentlysFill() {
    // error 0 (exact counts), n = 1000: shares 0, 0.25, 0.75; the smallest non-zero share 0.25 >
    // 1e-4, so the empty bin is filled with exactly 1e-4
    ShareIntervals p =
        ShareIntervals.of(
            new double[] {0, 0.25, 0.75},
            0,
            1000,
            new boolean[] {false, false, false},
            new boolean[] {false, true, true});
    assertThat(p.low(0)).isEqualTo(1e-4);
    assertThat(p.high(0)).isEqualTo(1e-4);
    assertThat(p.low(2)).isEqualTo(0.75);
    assertThat(p.high(2)).isEqualTo(0.75);
    // psi of a box with itself: the single point, range [0, 0]
    ShareIntervals.Range psi = ShareIntervals.psi(p, p);
    assertThat(psi.low()).isZero();
    assertThat(psi.high()).isZero();
  }
}
