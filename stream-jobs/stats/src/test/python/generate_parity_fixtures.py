#!/usr/bin/python3
"""Writes the expected values of the drift parity tests.

Run with Debian's SciPy/NumPy (apt-get install python3-scipy python3-numpy):

    /usr/bin/python3 stream-jobs/stats/src/test/python/generate_parity_fixtures.py

It writes src/test/resources/parity/*.txt. The Java tests only read those files; they never run
Python. Every expected value comes from a SciPy/NumPy call composed the way Evidently (legacy
stattests, v0.7.x) or NannyML composes it; the `source` line of each case names the call.

Data sets are either listed literally or drawn from a tiny 64-bit LCG whose doubles are produced
with exact IEEE operations only, so that ParityData.java regenerates bit-identical values.
"""

import collections
import math
import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance
from scipy.stats.contingency import association

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "parity")
MASK = (1 << 64) - 1


class Lcg:
    """Knuth's MMIX LCG; doubles are (x >> 11) * 2^-53, exact in both languages."""

    def __init__(self, seed):
        self.x = (seed * 0x9E3779B97F4A7C15 + 1) & MASK

    def next_u64(self):
        self.x = (6364136223846793005 * self.x + 1442695040888963407) & MASK
        return self.x

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)


def generate(spec):
    """Evaluates a data spec; the grammar is mirrored by ParityData.java."""
    kind, _, rest = spec.partition(" ")
    if kind == "values":
        return np.array([float(v) for v in rest.split("|")])
    if kind == "labels":
        return np.array(rest.split("|"), dtype=object)
    if kind == "counts":
        out = []
        for item in rest.split("|"):
            k, c = item.split("=")
            out += [k] * int(c)
        return np.array(out, dtype=object)
    if kind != "gen":
        raise ValueError(spec)
    parts = rest.split(" ")
    dist = parts[0]
    args = dict(p.split("=") for p in parts[1:])
    rng = Lcg(int(args["seed"]))
    n = int(args["n"])
    if dist == "normal":
        loc, scale = float(args["loc"]), float(args["scale"])
        out = []
        for _ in range(n):
            s = rng.uniform()
            s = s + rng.uniform()
            s = s + rng.uniform()
            s = s + rng.uniform()
            out.append((s - 2.0) * scale + loc)
        return np.array(out)
    if dist == "square":  # a skewed distribution: lo + (hi - lo) * u * u
        lo, hi = float(args["lo"]), float(args["hi"])
        out = []
        for _ in range(n):
            u = rng.uniform()
            out.append(lo + (hi - lo) * (u * u))
        return np.array(out)
    if dist == "int":
        lo, hi = int(args["lo"]), int(args["hi"])
        return np.array([float(lo + (rng.next_u64() >> 33) % (hi - lo + 1)) for _ in range(n)])
    if dist == "cat":
        labels = args["labels"].split("|")
        weights = [float(w) for w in args["weights"].split("|")]
        cum = []
        acc = 0.0
        for w in weights:
            acc = acc + w
            cum.append(acc)
        out = []
        for _ in range(n):
            u = rng.uniform()
            idx = len(labels) - 1
            for i, c in enumerate(cum):
                if u < c:
                    idx = i
                    break
            out.append(labels[idx])
        return np.array(out, dtype=object)
    raise ValueError(spec)


def clean(a):
    """Evidently drops NaN and +-inf on each side before anything else."""
    if a.dtype == object:
        return np.array([v for v in a if v is not None and v != ""], dtype=object)
    return a[np.isfinite(a)]


# ---------------------------------------------------------------- Evidently's compositions


def binned(ref, cur, numerical, fill):
    """evidently/legacy/calculations/stattests/utils.py::get_binned_data."""
    if numerical and len(set(ref.tolist())) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        r = np.histogram(ref, bins)[0] / len(ref)
        c = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = sorted(set(ref.tolist()) | set(cur.tolist()))
        rc = collections.Counter(ref.tolist())
        cc = collections.Counter(cur.tolist())
        r = np.array([rc[k] / len(ref) for k in keys])
        c = np.array([cc[k] / len(cur) for k in keys])
    if fill:
        for arr in (r, c):
            m = min(arr[arr != 0])
            np.place(arr, arr == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return r, c


def aligned_counts(ref, cur):
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    rc = collections.Counter(ref.tolist())
    cc = collections.Counter(cur.tolist())
    return keys, np.array([rc[k] for k in keys]), np.array([cc[k] for k in keys])


def cramers_v(r, c):
    if len(r) < 2:
        return 0.0
    return association(np.array([r, c]), method="cramer", correction=False)


def evidently(method, ref, cur, numerical, js_base=None):
    """Returns (statistic, p_value or None, effect_size or None, source)."""
    if method == "ks":
        res = stats.ks_2samp(ref, cur)
        return res.statistic, res.pvalue, res.statistic, "scipy.stats.ks_2samp(ref, cur)"
    if method == "wasserstein":
        w = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
        return w, None, w, "scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)"
    if method == "psi":
        r, c = binned(ref, cur, numerical, True)
        v = np.sum((r - c) * np.log(r / c))
        return v, None, v, "np.sum((r - c) * np.log(r / c)) on get_binned_data(feel_zeroes=True)"
    if method == "kl_div":
        r, c = binned(ref, cur, numerical, True)
        v = stats.entropy(r, c)
        return v, None, v, "scipy.stats.entropy(r, c) on get_binned_data(feel_zeroes=True)"
    if method == "jensenshannon":
        r, c = binned(ref, cur, numerical, False)
        v = distance.jensenshannon(r, c, js_base)
        return v, None, v, f"scipy.spatial.distance.jensenshannon(r, c, base={js_base}) on get_binned_data(feel_zeroes=False)"
    if method == "hellinger":
        keys = list(set(ref.tolist()) | set(cur.tolist()))
        if not numerical:
            rc = collections.Counter(ref.tolist())
            cc = collections.Counter(cur.tolist())
            h = 0.0
            for k in keys:
                h += math.sqrt(rc[k] / len(ref) * (cc[k] / len(cur)))
            h = math.sqrt(1 - np.clip(h, 0, 1))
            src = "sqrt(1 - clip(sum(sqrt(p*q)))) over value_counts shares (hellinger_distance.py)"
        else:
            bins = np.histogram_bin_edges(keys, bins="sturges")
            h1 = np.histogram(ref, bins=bins, density=True)[0]
            h2 = np.histogram(cur, bins=bins, density=True)[0]
            bin_width = (max(bins) - min(bins)) / (len(bins) - 1)
            s = 0.0
            for i in range(len(h1)):
                s += math.sqrt(h1[i] * h2[i]) * bin_width
            h = math.sqrt(1 - np.clip(s, 0, 1))
            src = "np.histogram_bin_edges(unique(ref|cur), 'sturges'), np.histogram(density=True), mean bin width (hellinger_distance.py)"
        return h, None, h, src
    if method == "chisquare":
        keys, r, c = aligned_counts(ref, cur)
        k_norm = len(cur) / len(ref)
        f_exp = [x * k_norm for x in r]
        with np.errstate(divide="ignore", invalid="ignore"):
            res = stats.chisquare(c, f_exp)
        return res.statistic, res.pvalue, cramers_v(r, c), "scipy.stats.chisquare(cur_counts, ref_counts * n_cur / n_ref); effect: scipy.stats.contingency.association([ref, cur], 'cramer')"
    if method == "z":
        rs, cs = set(ref.tolist()), set(cur.tolist())
        if len(rs) == 1 and len(cs) == 1 and rs == cs:
            return 0.0, 1.0, 0.0, "evidently z_stattest: same single value -> p = 1"
        key = sorted(rs | cs)[0]
        r = np.array([0 if x == key else 1 for x in ref])
        c = np.array([0 if x == key else 1 for x in cur])
        n1, n2 = len(r), len(c)
        p1 = float(sum(r)) / n1
        p2 = float(sum(c)) / n2
        big_p = float(p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(big_p * (1 - big_p) * (1.0 / n1 + 1.0 / n2))
        p = 2 * (1 - stats.norm.cdf(np.abs(z)))
        h = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2))
        return z, p, h, "evidently proportions_diff_z_stat_ind / 2*(1 - scipy.stats.norm.cdf(|z|)); effect: 2*arcsin(sqrt(p1)) - 2*arcsin(sqrt(p2))"
    if method == "linf":
        keys, r, c = aligned_counts(ref, cur)
        v = np.max(np.abs(r / len(ref) - c / len(cur)))
        return v, None, v, "np.max(np.abs(ref_share - cur_share)) over value counts (NannyML LInfinityDistance)"
    raise ValueError(method)


DRIFT_RULE = {"ks": "le", "chisquare": "lt", "z": "lt"}


def drift_of(method, stat, p):
    if method in DRIFT_RULE:
        return bool(p <= 0.05) if DRIFT_RULE[method] == "le" else bool(p < 0.05)
    return bool(stat >= 0.1)


def fmt(x):
    if x is None:
        return "none"
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


# ---------------------------------------------------------------- cases

NUM = "gen normal seed=11 n=300 loc=0 scale=1"
NUM_SHIFTED = "gen normal seed=12 n=240 loc=0.25 scale=1.2"
SKEW = "gen square seed=13 n=180 lo=-2 hi=5"
LOWCARD_REF = "gen int seed=21 n=400 lo=0 hi=3"
LOWCARD_CUR = "gen int seed=22 n=350 lo=1 hi=3"
MIDCARD_REF = "gen int seed=23 n=500 lo=0 hi=40"
MIDCARD_CUR = "gen int seed=24 n=400 lo=5 hi=45"
CAT_REF = "gen cat seed=31 n=600 labels=red|green|blue|amber|violet weights=0.4|0.25|0.2|0.1|0.05"
CAT_CUR = "gen cat seed=32 n=450 labels=red|green|blue|amber|violet weights=0.3|0.3|0.2|0.15|0.05"

CASES = [
    # every method on a continuous numerical column (sturges branch: > 20 distinct reference values)
    *[(f"numerical_{m}", m, "numerical", NUM, NUM_SHIFTED, None)
      for m in ["ks", "wasserstein", "psi", "kl_div", "jensenshannon", "hellinger"]],
    ("numerical_jensenshannon_base2", "jensenshannon", "numerical", NUM, NUM_SHIFTED, 2),
    ("numerical_skewed_ks", "ks", "numerical", NUM, SKEW, None),
    ("numerical_skewed_wasserstein", "wasserstein", "numerical", SKEW, NUM, None),
    ("numerical_skewed_hellinger", "hellinger", "numerical", SKEW, NUM, None),
    ("numerical_skewed_psi", "psi", "numerical", SKEW, NUM, None),
    # a numerical column with few values (value-count branch of get_binned_data)
    *[(f"lowcard_{m}", m, "numerical", LOWCARD_REF, LOWCARD_CUR, None)
      for m in ["ks", "wasserstein", "psi", "kl_div", "jensenshannon", "hellinger", "chisquare", "z", "linf"]],
    # 21..64 distinct integers: Evidently bins with Sturges (edges can fall on data values)
    *[(f"midcard_{m}", m, "numerical", MIDCARD_REF, MIDCARD_CUR, None)
      for m in ["ks", "wasserstein", "psi", "kl_div", "jensenshannon", "hellinger"]],
    # every count-based method on a categorical column
    *[(f"categorical_{m}", m, "categorical", CAT_REF, CAT_CUR, None)
      for m in ["psi", "kl_div", "jensenshannon", "hellinger", "chisquare", "z", "linf"]],
    ("categorical_jensenshannon_base2", "jensenshannon", "categorical", CAT_REF, CAT_CUR, 2),
    # identical samples: no drift anywhere
    ("categorical_same_chisquare", "chisquare", "categorical", CAT_REF, CAT_REF, None),
    ("numerical_same_ks", "ks", "numerical", NUM, NUM, None),
    # missing values are dropped per side before the test
    ("numerical_missing_ks", "ks", "numerical",
     "values 0.5|nan|1.5|2.5|inf|3.5|-inf|4.5|5.5|6.5", "values 3|4|nan|5|6|7|8|9|10", None),
    ("categorical_missing_chisquare", "chisquare", "categorical",
     "labels a|b||a|c|a|b", "labels a||b|b|c|c|c", None),
    # ks: exact p-value when both sizes <= 10 000, SciPy's asymptotic one above
    ("ks_exact_equal_sizes", "ks", "numerical",
     "gen normal seed=41 n=300 loc=0 scale=1", "gen normal seed=42 n=300 loc=0.2 scale=1", None),
    ("ks_exact_at_10000", "ks", "numerical",
     "gen normal seed=43 n=10000 loc=0 scale=1", "gen normal seed=44 n=500 loc=0.1 scale=1", None),
    ("ks_asymptotic_at_10001", "ks", "numerical",
     "gen normal seed=43 n=10001 loc=0 scale=1", "gen normal seed=44 n=500 loc=0.1 scale=1", None),
    ("ks_asymptotic_small_other_side", "ks", "numerical",
     "gen normal seed=45 n=12000 loc=0 scale=1", "gen normal seed=46 n=90 loc=0.3 scale=1", None),
    ("ks_exact_tiny_p", "ks", "numerical",
     "gen normal seed=47 n=800 loc=0 scale=1", "gen normal seed=48 n=600 loc=0.6 scale=1", None),
    # chisquare: a category new in current -> statistic inf, p = 0
    ("chisquare_new_category", "chisquare", "categorical",
     "labels a|a|b|b|b|c|c|a|b|c", "labels a|b|c|d|a|b", None),
    # z: both sides hold the same single value -> p = 1; and two values
    ("z_single_shared_value", "z", "categorical", "labels x|x|x|x", "labels x|x|x", None),
    ("z_two_values", "z", "categorical",
     "counts no=180|yes=120", "counts no=140|yes=160", None),
    ("z_numeric_sort_order", "z", "numerical", "values 10|9|9|10|10|9|10", "values 9|9|9|10|9|9", None),
    # zero filling: min non-zero share above 1e-4 (fill 1e-4) and at or below it (fill min/1e6)
    ("psi_zero_fill_1e-4", "psi", "categorical",
     "counts a=50|b=30|c=20", "counts a=40|b=35|c=20|d=5", None),
    ("kl_div_zero_fill_1e-4", "kl_div", "categorical",
     "counts a=50|b=30|c=20", "counts a=40|b=35|c=20|d=5", None),
    ("psi_zero_fill_min_over_1e6", "psi", "categorical",
     "counts a=19999|b=1", "counts a=15000|c=5000", None),
    ("kl_div_zero_fill_min_over_1e6", "kl_div", "categorical",
     "counts a=19999|b=1", "counts a=15000|c=5000", None),
    ("jensenshannon_no_zero_fill", "jensenshannon", "categorical",
     "counts a=50|b=30|c=20", "counts a=40|b=35|c=20|d=5", None),
]


def write_methods():
    lines = [
        "# Drift method parity cases. Generated by src/test/python/generate_parity_fixtures.py",
        f"# with SciPy {scipy.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}.",
        "# Do not edit by hand.",
        "",
    ]
    for name, method, ctype, ref_spec, cur_spec, base in CASES:
        ref = clean(generate(ref_spec))
        cur = clean(generate(cur_spec))
        stat, p, effect, src = evidently(method, ref, cur, ctype == "numerical", base)
        lines += [
            f"[method {name}]",
            f"method = {method}",
            f"type = {ctype}",
            f"reference = {ref_spec}",
            f"current = {cur_spec}",
        ]
        if base is not None:
            lines.append(f"js_base = {base}")
        lines += [
            f"statistic = {fmt(stat)}",
            f"p_value = {fmt(p)}",
            f"effect_size = {fmt(effect)}",
            f"drift = {str(drift_of(method, stat, p)).lower()}",
            f"source = {src}",
            "",
        ]
    with open(os.path.join(OUT, "drift_methods.txt"), "w") as f:
        f.write("\n".join(lines))


EDGE_CASES = [
    ("n100", "gen normal seed=51 n=100 loc=3 scale=2"),
    ("n1024_power_of_two", "gen normal seed=52 n=1024 loc=0 scale=1"),
    ("n16_power_of_two", None),
    ("n1", "values 4.25"),
    ("constant", "values 2|2|2|2|2"),
    ("negative", "values -7.5|-3.25|-1|-0.5|-12"),
    ("wide", "values 1e-3|5|1e6|42|7|3.5|1e5"),
    ("ints_33", "gen int seed=53 n=33 lo=-40 hi=40"),
    ("n2000", "gen square seed=54 n=2000 lo=-1 hi=1"),
]


def write_edges():
    lines = [
        "# np.histogram_bin_edges(a, bins='sturges') and np.histogram(a, edges)[0].",
        f"# Generated by src/test/python/generate_parity_fixtures.py with NumPy {np.__version__}.",
        "",
    ]
    for name, spec in EDGE_CASES:
        if name == "n16_power_of_two":
            spec = "values " + "|".join(repr(float(v)) for v in [0.1 * i for i in range(16)])
        a = generate(spec)
        edges = np.histogram_bin_edges(a, bins="sturges")
        counts = np.histogram(a, edges)[0]
        lines += [
            f"[edges {name}]",
            f"values = {spec}",
            "edges = " + "|".join(repr(float(e)) for e in edges),
            "counts = " + "|".join(str(int(c)) for c in counts),
            "source = np.histogram_bin_edges(values, bins='sturges'); np.histogram(values, edges)[0]",
            "",
        ]
    with open(os.path.join(OUT, "sturges_edges.txt"), "w") as f:
        f.write("\n".join(lines))


def write_zero_fill():
    lines = [
        "# Evidently's zero filling: np.place(a, a == 0, min(a[a != 0]) / 10**6 if min(...) <= 0.0001 else 0.0001)",
        f"# Generated by src/test/python/generate_parity_fixtures.py with NumPy {np.__version__}.",
        "",
    ]
    inputs = {
        "above_1e-4": [0.5, 0.0, 0.3, 0.2, 0.0],
        "exactly_1e-4": [0.9999, 0.0001, 0.0],
        "below_1e-4": [0.99995, 0.00005, 0.0, 0.0],
        "no_zero": [0.25, 0.25, 0.5],
    }
    for name, arr in inputs.items():
        a = np.array(arr)
        m = min(a[a != 0])
        np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
        lines += [
            f"[fill {name}]",
            "shares = " + "|".join(repr(x) for x in arr),
            "filled = " + "|".join(repr(float(x)) for x in a),
            "",
        ]
    with open(os.path.join(OUT, "zero_fill.txt"), "w") as f:
        f.write("\n".join(lines))


def write_kstwo():
    lines = [
        "# scipy.stats.kstwo.sf(x, n): the distribution behind ks_2samp's asymptotic p-value.",
        f"# Generated by src/test/python/generate_parity_fixtures.py with SciPy {scipy.__version__}.",
        "# columns: n x sf",
    ]
    rng = Lcg(99)
    for n in [1, 3, 10, 60, 140, 141, 476, 1000, 5000, 99999, 100001, 2000000]:
        xs = [0.5 / n, 0.75 / n, 1.0 / n, 0.5, 0.9]
        for _ in range(10):
            xs.append(rng.uniform() * 3.5 / math.sqrt(n))
        for x in xs:
            if x >= 1:
                continue
            lines.append(f"{n} {x!r} {float(stats.kstwo.sf(x, n))!r}")
    with open(os.path.join(OUT, "kstwo_sf.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


SKETCH_CASES = [
    ("normal_vs_shifted", NUM, NUM_SHIFTED),
    ("skewed_vs_normal_with_outside_values", SKEW, NUM),
    ("normal_vs_skewed", NUM, SKEW),
]


def fixed_bin_shares(ref, cur):
    """Sketch mode: Sturges edges over the reference alone, plus under/overflow bins."""
    edges = np.histogram_bin_edges(ref, bins="sturges")
    vecs = []
    for a in (ref, cur):
        inside = np.histogram(a, edges)[0]
        vecs.append(np.concatenate([[np.sum(a < edges[0])], inside, [np.sum(a > edges[-1])]]))
    r, c = vecs
    lo = 1 if r[0] == 0 and c[0] == 0 else 0
    hi = len(r) - 1 if r[-1] == 0 and c[-1] == 0 else len(r)
    return edges, r[lo:hi] / len(ref), c[lo:hi] / len(cur)


def write_sketch():
    lines = [
        "# Sketch-mode binned distances on the reference profile's fixed bins: edges =",
        "# np.histogram_bin_edges(ref, bins='sturges') (reference only), counts = np.histogram(x, edges)[0]",
        "# plus an underflow (x < edges[0]) and an overflow (x > edges[-1]) bin, dropped when empty on both",
        "# sides; shares = counts / n. psi/kl_div use Evidently's zero filling, jensenshannon",
        "# scipy.spatial.distance.jensenshannon (base e), hellinger sqrt(1 - sum(sqrt(p*q))).",
        f"# Generated by src/test/python/generate_parity_fixtures.py with SciPy {scipy.__version__}, NumPy {np.__version__}.",
        "",
    ]
    for name, ref_spec, cur_spec in SKETCH_CASES:
        ref = clean(generate(ref_spec))
        cur = clean(generate(cur_spec))
        edges, r, c = fixed_bin_shares(ref, cur)
        rf, cf = r.copy(), c.copy()
        for arr in (rf, cf):
            m = min(arr[arr != 0])
            np.place(arr, arr == 0, m / 10**6 if m <= 0.0001 else 0.0001)
        values = {
            "psi": np.sum((rf - cf) * np.log(rf / cf)),
            "kl_div": stats.entropy(rf, cf),
            "jensenshannon": distance.jensenshannon(r, c),
            "hellinger": math.sqrt(1 - np.clip(np.sum(np.sqrt(r * c)), 0, 1)),
        }
        lines += [
            f"[sketch {name}]",
            f"reference = {ref_spec}",
            f"current = {cur_spec}",
            "edges = " + "|".join(repr(float(e)) for e in edges),
        ]
        for k, v in values.items():
            lines.append(f"{k} = {fmt(v)}")
        lines.append("")
    with open(os.path.join(OUT, "sketch_fixed_bins.txt"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_methods()
    write_edges()
    write_zero_fill()
    write_kstwo()
    write_sketch()
    print("wrote", os.path.normpath(OUT))
