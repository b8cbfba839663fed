package io.driftwatch.stats.drift;

/**
 * The one-sample two-sided Kolmogorov–Smirnov distribution of D_n, and the one-sided Smirnov
 * distribution of D_n+, computed the way SciPy 1.10 computes {@code scipy.stats.kstwo} and {@code
 * scipy.special.smirnov} (Simard &amp; L'Ecuyer's algorithm selection: Ruben–Gambino for the
 * extremes, Durbin's matrix as improved by Marsaglia, Tsang and Wang, Pomeranz's recursion,
 * Pelz–Good's expansion and the Birnbaum–Tingey sum). Re-implemented from the published algorithms
 * and the structure of {@code scipy/stats/_ksstats.py}, so that the switch points and therefore the
 * values agree with SciPy to about 1e-12 relative.
 */
final class KolmogorovDistribution {

  private static final int E128 = 128;
  private static final double EP128 = 0x1p128;
  private static final double EM128 = 0x1p-128;
  private static final double SQRT2PI = Math.sqrt(2 * Math.PI);
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double MIN_LOG = -708;
  private static final double SQRT3 = Math.sqrt(3);
  private static final double PI_SQUARED = Math.PI * Math.PI;
  private static final double PI_FOUR = Math.pow(Math.PI, 4);
  private static final double PI_SIX = Math.pow(Math.PI, 6);
  // cephes MINLOG: log(2^-1022)
  private static final double CEPHES_MINLOG = -7.451332191019412076235e2;
  private static final int SMIRNOV_MAX_COMPUTE_N = 1_000_000;
  private static final double LN2 = Math.log(2);

  private static final double[] STIRLING_COEFFS = {
    -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
    8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
    -2.7777777777777777778e-3, 8.3333333333333333333e-2
  };

  private KolmogorovDistribution() {}

  /** P(D_n &gt; x): {@code scipy.stats.kstwo.sf(x, n)}. */
  static double sf(long n, double x) {
    return kolmogn(n, x, false);
  }

  /** P(D_n &lt;= x): {@code scipy.stats.kstwo.cdf(x, n)}. */
  static double cdf(long n, double x) {
    return kolmogn(n, x, true);
  }

  private static double clip(double p) {
    if (Double.isNaN(p)) {
      return p;
    }
    return Math.min(1.0, Math.max(0.0, p));
  }

  private static double select(double cdfProb, double sfProb, boolean cdf) {
    return clip(cdf ? cdfProb : sfProb);
  }

  private static double kolmogn(long n, double x, boolean cdf) {
    if (n <= 0 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= 1.0) {
      return select(1.0, 0.0, cdf);
    }
    if (x <= 0.0) {
      return select(0.0, 1.0, cdf);
    }
    double t = n * x;
    if (t <= 1.0) {
      // Ruben-Gambino: 1/2n <= x <= 1/n
      if (t <= 0.5) {
        return select(0.0, 1.0, cdf);
      }
      double prob;
      if (n <= 140) {
        prob = 1.0;
        for (long i = 1; i <= n; i++) {
          prob *= (i * (1.0 / n)) * (2 * t - 1);
        }
      } else {
        prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
      }
      return select(prob, 1.0 - prob, cdf);
    }
    if (t >= n - 1) {
      double prob = 2 * Math.pow(1.0 - x, n);
      return select(1 - prob, prob, cdf);
    }
    if (x >= 0.5) {
      double prob = 2 * smirnov(n, x);
      return select(1.0 - prob, prob, cdf);
    }
    double nxSquared = t * x;
    if (n <= 140) {
      if (nxSquared <= 0.754693) {
        double prob = durbinMtw(n, x);
        return select(prob, 1.0 - prob, cdf);
      }
      if (nxSquared <= 4) {
        double prob = pomeranz((int) n, x);
        return select(prob, 1.0 - prob, cdf);
      }
      double prob = 2 * smirnov(n, x);
      return select(1.0 - prob, prob, cdf);
    }
    // The CDF and the SF have different cut-offs on n*x^2.
    if (!cdf) {
      if (nxSquared >= 370.0) {
        return 0.0;
      }
      if (nxSquared >= 2.2) {
        return clip(2 * smirnov(n, x));
      }
    }
    double cdfProb;
    if (nxSquared >= 18.0) {
      cdfProb = 1.0;
    } else if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) {
      cdfProb = durbinMtw(n, x);
    } else {
      cdfProb = pelzGood(n, x);
    }
    return select(cdfProb, 1.0 - cdfProb, cdf);
  }

  private static double logNFactorialDivNPowN(long n) {
    double rn = 1.0 / n;
    double poly = 0;
    for (double c : STIRLING_COEFFS) {
      poly = poly * (rn / n) + c;
    }
    return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
  }

  /** Durbin's matrix method with Marsaglia–Tsang–Wang scaling: P(D_n &lt;= d). */
  static double durbinMtw(long n, double d) {
    if (d >= 1.0) {
      return 1.0;
    }
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;

    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      v[j - 1] = 1.0 - Math.pow(h, j);
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] *= fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;

    double[][] hm = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        hm[r][i] = w[r - (i - 1)];
      }
    }
    for (int r = 0; r < m; r++) {
      hm[r][0] = v[r];
    }
    for (int c = 0; c < m; c++) {
      hm[m - 1][c] = v[m - 1 - c];
    }

    double[][] hpwr = new double[m][m];
    for (int i = 0; i < m; i++) {
      hpwr[i][i] = 1.0;
    }
    long nn = n;
    int expnt = 0;
    int hexpnt = 0;
    while (nn > 0) {
      if (nn % 2 == 1) {
        hpwr = multiply(hpwr, hm);
        expnt += hexpnt;
      }
      hm = multiply(hm, hm);
      hexpnt *= 2;
      if (Math.abs(hm[k - 1][k - 1]) > EP128) {
        for (double[] row : hm) {
          for (int c = 0; c < m; c++) {
            row[c] /= EP128;
          }
        }
        hexpnt += E128;
      }
      nn /= 2;
    }

    double p = hpwr[k - 1][k - 1];
    for (long i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= EP128;
        expnt -= E128;
      }
    }
    if (expnt != 0) {
      p = Math.scalb(p, expnt);
    }
    return clip(p);
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] out = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] ai = a[i];
      double[] oi = out[i];
      for (int l = 0; l < m; l++) {
        double x = ai[l];
        if (x == 0) {
          continue;
        }
        double[] bl = b[l];
        for (int j = 0; j < m; j++) {
          oi[j] += x * bl[j];
        }
      }
    }
    return out;
  }

  private static int[] pomeranzJ1J2(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int ip1div2 = (i + 1) / 2;
      int ip1mod2 = (i + 1) % 2;
      if (ip1mod2 == 0) {
        if (ip1div2 == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = ip1div2 - 1 - ll - roundf - 1;
          j2 = ip1div2 + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = ip1div2 - 1 - ll - 1;
        j2 = ip1div2 + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** Pomeranz's recursion: P(D_n &lt;= x). */
  static double pomeranz(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = 1.0 * (t - ll);
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gpower = new double[npwrs];
    double[] twogpower = new double[npwrs];
    double[] onem2gpower = new double[npwrs];
    gpower[0] = 1.0;
    twogpower[0] = 1.0;
    onem2gpower[0] = 1.0;
    int expnt = 0;
    double gOverN = g / n;
    double twoGOverN = 2 * g / n;
    double oneMinusTwoGOverN = (1 - 2 * g) / n;
    for (int m = 1; m < npwrs; m++) {
      gpower[m] = gpower[m - 1] * gOverN / m;
      twogpower[m] = twogpower[m - 1] * twoGOverN / m;
      onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
    }

    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int[] j = pomeranzJ1J2(0, n, ll, ceilf, roundf);
    int j1 = j[0];
    int j2 = j[1];
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j1;
      double[] tmp = v0;
      v0 = v1;
      v1 = tmp;
      int tmps = v0s;
      v0s = v1s;
      v1s = tmps;
      java.util.Arrays.fill(v1, 0.0);
      j = pomeranzJ1J2(i, n, ll, ceilf, roundf);
      j1 = j[0];
      j2 = j[1];
      double[] pwrs;
      if (i == 1 || i == 2 * n + 1) {
        pwrs = gpower;
      } else {
        pwrs = (i % 2 == 1) ? twogpower : onem2gpower;
      }
      int ln2 = j2 - k1 + 1;
      if (ln2 > 0) {
        // numpy slices clip at the end of the array
        int from = k1 - v0s;
        int aLen = Math.max(0, Math.min(ln2, npwrs - from));
        int bLen = Math.min(ln2, npwrs);
        int convStart = j1 - k1;
        int convLen = j2 - j1 + 1;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < convLen; c++) {
          int kk = convStart + c;
          double s = 0;
          int lo = Math.max(0, kk - (bLen - 1));
          int hi = Math.min(kk, aLen - 1);
          for (int a = lo; a <= hi; a++) {
            s += v0[from + a] * pwrs[kk - a];
          }
          v1[c] = s;
        }
        for (double value : v1) {
          max = Math.max(max, value);
        }
        if (0 < max && max < EM128) {
          for (int c = 0; c < v1.length; c++) {
            v1[c] *= EP128;
          }
          expnt -= E128;
        }
        v1s = v0s + j1 - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int m = 1; m <= n; m++) {
      if (Math.abs(ans) > EP128) {
        ans *= EM128;
        expnt += E128;
      }
      ans *= m;
    }
    if (expnt != 0) {
      ans = Math.scalb(ans, expnt);
    }
    return clip(ans);
  }

  /** Pelz–Good asymptotic expansion of P(D_n &lt;= x), unclipped. */
  static double pelzGood(long n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double z = Math.sqrt(n) * x;
    double zsquared = z * z;
    double zthree = Math.pow(z, 3);
    double zfour = Math.pow(z, 4);
    double zsix = Math.pow(z, 6);

    double qlog = -PI_SQUARED / 8 / zsquared;
    if (qlog < MIN_LOG) {
      return 0.0;
    }
    double q = Math.exp(qlog);

    double k1a = -zsquared;
    double k1b = PI_SQUARED / 4;

    double k2a = 6 * zsix + 2 * zfour;
    double k2b = (2 * zfour - 5 * zsquared) * PI_SQUARED / 4;
    double k2c = PI_FOUR * (1 - 2 * zsquared) / 16;

    double k3d = PI_SIX * (5 - 30 * zsquared) / 64;
    double k3c = PI_FOUR * (-60 * zsquared + 212 * zfour) / 16;
    double k3b = PI_SQUARED * (135 * zfour - 96 * zsix) / 4;
    double k3a = -30 * zsix - 90 * Math.pow(z, 8);

    double[] k0to3 = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int k = maxk; k > 0; k--) {
      long m = 2L * k - 1;
      long msquared = m * m;
      long mfour = msquared * msquared;
      long msix = mfour * msquared;
      double qpower = Math.pow(q, 8 * k);
      double c1 = k1a + k1b * msquared;
      double c2 = k2a + k2b * msquared + k2c * mfour;
      double c3 = k3a + k3b * msquared + k3c * mfour + k3d * msix;
      k0to3[0] = k0to3[0] * qpower + 1.0;
      k0to3[1] = k0to3[1] * qpower + c1;
      k0to3[2] = k0to3[2] * qpower + c2;
      k0to3[3] = k0to3[3] * qpower + c3;
    }
    double[] div = {z, 6 * zfour, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      k0to3[i] *= q;
      k0to3[i] *= SQRT2PI;
      k0to3[i] /= div[i];
    }

    q = Math.exp(-PI_SQUARED / 2 / zsquared);
    double sqrt3z = SQRT3 * z;
    double k2extra = 0;
    double k3extra = 0;
    for (int k = maxk; k > 0; k--) {
      long ksquared = (long) k * k;
      double qpw = Math.pow(q, ksquared);
      double kspi = Math.PI * k;
      k2extra += ksquared * qpw;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpw;
    }
    k2extra *= PI_SQUARED * SQRT2PI / (-36 * zthree);
    k0to3[2] += k2extra;
    k3extra *= PI_SQUARED * SQRT2PI / (216 * zsix);
    k0to3[3] += k3extra;
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += k0to3[i] / Math.pow(n * 1.0, i / 2.0);
    }
    return sum;
  }

  /**
   * P(D_n+ &gt; x), the one-sided Smirnov survival function ({@code scipy.special.smirnov}), by the
   * Birnbaum–Tingey sum of positive terms evaluated in log space.
   */
  static double smirnov(long n, double x) {
    if (!(n > 0 && x >= 0.0 && x <= 1.0)) {
      return Double.NaN;
    }
    if (n == 1) {
      return 1 - x;
    }
    if (x == 0.0) {
      return 1.0;
    }
    if (x == 1.0) {
      return 0.0;
    }
    // floor(n*x) and its remainder exactly, as SciPy does in double-double
    double nx = n * x;
    double nxErr = Math.fma((double) n, x, -nx);
    long nxfl = (long) Math.floor(nx);
    double alpha = (nx - nxfl) + nxErr;
    if (alpha < 0) {
      nxfl -= 1;
      alpha += 1;
    }
    if (alpha >= 1) {
      nxfl += 1;
      alpha = 0;
    }
    if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {
      double cdf = x * Math.pow(1 + x, n - 1);
      return clip(1 - cdf);
    }
    if (-2 * n * x * x < CEPHES_MINLOG) {
      return 0.0;
    }
    if (nxfl >= n - 1) {
      return clip(Math.pow(1 - x, n));
    }
    if (n > SMIRNOV_MAX_COMPUTE_N) {
      double logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
      if (logp < -Math.log(2)) {
        return clip(Math.exp(logp));
      }
      return clip(1 - (-Math.expm1(logp)));
    }
    // Terms v = 0 .. n - floor(n*x) - 1 of x * sum C(n,v) (x+v/n)^(v-1) (1-x-v/n)^(n-v), all
    // positive. Each term is the previous one times an accurately computed ratio, carried as a
    // mantissa and a binary exponent: summing logs instead loses ~n*eps to cancellation.
    long last = n - nxfl - 1;
    double nxLo = nxErr;
    double logA0 = n * Math.log1p(-x) - Math.log(x);
    int termExp = (int) Math.floor(logA0 / LN2);
    double term = Math.exp(logA0 - termExp * LN2);
    double sum = term;
    int sumExp = termExp;
    for (long v = 0; v < last; v++) {
      double up = Math.fma((double) n, x, (double) v); // n*x + v
      double down = ((double) (n - v) - nx) - nxLo; // n - v - n*x
      double ratio =
          ((double) (n - v) / (v + 1))
              * ((up + 1) / (down - 1))
              * Math.exp((v - 1) * Math.log1p(1 / up) + (n - v) * Math.log1p(-1 / down));
      term *= ratio;
      int e = Math.getExponent(term);
      if (term == 0 || e == Double.MIN_EXPONENT - 1) {
        break;
      }
      term = Math.scalb(term, -e);
      termExp += e;
      if (termExp > sumExp) {
        sum = Math.scalb(sum, sumExp - termExp);
        sumExp = termExp;
      }
      double scaled = Math.scalb(term, termExp - sumExp);
      sum += scaled;
      if (ratio < 1 && scaled * 4 * (last - v) < Math.ulp(1.0) * sum) {
        break;
      }
    }
    return clip(Math.scalb(sum * x, sumExp));
  }
}
