"""numpy/scipy baseline of `driftwatch drift` on the drift-batch data.

Computes, for every column, Evidently's default drift method (legacy stattests, v0.7.x) with
numpy/scipy on arrays loaded from the raw column files GenerateData.java writes beside each CSV,
so that CSV parsing is NOT part of the timed work (a stronger baseline than Evidently itself,
which parses with pandas and runs the same scipy calls):

  numerical, n_unique(ref and cur) > 5, n_ref > 1000  ->  wasserstein / max(std(ref), 0.001)
  otherwise                                            ->  jensenshannon of value counts

Column types follow the legacy rule: labels are categorical; integer columns with at most five
distinct reference values are categorical; other numbers (booleans as 0/1) are numerical.

Usage: python3 scipy_baseline.py DIR [JSON_TO_COMPARE]
Prints one JSON line: {"seconds": ..., "cpu_seconds": ..., "load_seconds": ...,
"columns": {name: [method, stat]}}
and, when JSON_TO_COMPARE (driftwatch drift --format json output) is given, the largest
relative difference of the statistics.
"""
import json
import sys
import time

import numpy as np
from scipy.spatial import distance
from scipy.stats import wasserstein_distance


def load(directory):
    cols = []
    with open(f"{directory}/columns.tsv") as f:
        for i, line in enumerate(f):
            name, dtype, _, _ = line.rstrip("\n").split("\t")
            ref = np.fromfile(f"{directory}/reference.{i}.bin", dtype="<" + dtype)
            cur = np.fromfile(f"{directory}/current.{i}.bin", dtype="<" + dtype)
            cols.append((name, dtype, ref, cur))
    return cols


def value_counts_js(ref, cur):
    keys = np.union1d(ref, cur)
    r = np.searchsorted(keys, ref)
    c = np.searchsorted(keys, cur)
    rc = np.bincount(r, minlength=len(keys)) / len(ref)
    cc = np.bincount(c, minlength=len(keys)) / len(cur)
    return distance.jensenshannon(rc, cc)


def drift(name, dtype, ref, cur):
    if dtype == "i4":
        # label codes: -1 is an empty cell
        ref = ref[ref >= 0]
        cur = cur[cur >= 0]
        keys = max(ref.max(), cur.max()) + 1
        rc = np.bincount(ref, minlength=keys) / len(ref)
        cc = np.bincount(cur, minlength=keys) / len(cur)
        return "jensenshannon", float(distance.jensenshannon(rc, cc))
    ref = ref[np.isfinite(ref)]
    cur = cur[np.isfinite(cur)]
    integer = not np.isnan(ref).any() and np.all(ref == np.floor(ref))
    head = np.unique(np.concatenate([ref[:1000], cur[:1000]]))
    n_unique = len(head) if len(head) > 5 else len(np.unique(np.concatenate([ref, cur])))
    ref_unique = len(np.unique(ref)) if integer and n_unique <= 5 else n_unique
    if integer and ref_unique <= 5:
        return "jensenshannon", float(value_counts_js(ref, cur))
    if n_unique > 5:
        norm = max(np.std(ref), 0.001)
        return "wasserstein", float(wasserstein_distance(ref, cur) / norm)
    return "jensenshannon", float(value_counts_js(ref, cur))


def main():
    directory = sys.argv[1]
    t0 = time.perf_counter()
    cols = load(directory)
    t1 = time.perf_counter()
    c1 = time.process_time()
    out = {name: drift(name, dtype, ref, cur) for name, dtype, ref, cur in cols}
    c2 = time.process_time()
    t2 = time.perf_counter()
    result = {"seconds": t2 - t1, "cpu_seconds": c2 - c1, "load_seconds": t1 - t0,
              "columns": out}
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            java = {c["name"]: c for c in json.load(f)["columns"]}
        worst = 0.0
        for name, (method, stat) in out.items():
            j = java[name]
            if j["method"] != method:
                raise SystemExit(f"{name}: method {j['method']} vs scipy {method}")
            worst = max(worst, abs(j["statistic"] - stat) / max(abs(stat), 1e-300))
        result["max_relative_difference"] = worst
    print(json.dumps(result))


if __name__ == "__main__":
    main()
