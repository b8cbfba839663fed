package io.driftwatch.stats.drift;

import java.util.List;
import java.util.Locale;

/** The drift methods, under the names Evidently (and, for {@code linf}, NannyML) uses. */
public final class DriftMethods {

  /** Two-sample Kolmogorov–Smirnov p-value (numerical). */
  public static final DriftMethod KS = new KsTest();

  /** Wasserstein-1 normalised by the reference standard deviation (numerical). */
  public static final DriftMethod WASSERSTEIN = new WassersteinTest();

  /** Population stability index. */
  public static final DriftMethod PSI = new PsiTest();

  /** Kullback–Leibler divergence KL(reference ‖ current). */
  public static final DriftMethod KL_DIV = new KlDivTest();

  /** Jensen–Shannon distance. */
  public static final DriftMethod JENSENSHANNON = new JensenShannonTest();

  /** Hellinger distance. */
  public static final DriftMethod HELLINGER = new HellingerTest();

  /** Chi-square goodness-of-fit p-value. */
  public static final DriftMethod CHISQUARE = new ChiSquareTest();

  /** Two-proportion z-test p-value. */
  public static final DriftMethod Z = new ZTest();

  /** L-infinity distance of category shares (NannyML). */
  public static final DriftMethod LINF = new LInfinityTest();

  private static final List<DriftMethod> ALL =
      List.of(KS, WASSERSTEIN, PSI, KL_DIV, JENSENSHANNON, HELLINGER, CHISQUARE, Z, LINF);

  private DriftMethods() {}

  /** Every method. */
  public static List<DriftMethod> all() {
    return ALL;
  }

  /**
   * The method with this name (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static DriftMethod byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (DriftMethod m : ALL) {
      if (m.name().equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException("drift method: " + name + " (expected: one of " + ALL + ")");
  }
}
