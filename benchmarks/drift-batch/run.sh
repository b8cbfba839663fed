#!/usr/bin/env bash
# drift-batch: `driftwatch drift` on 1 M rows x 20 columns against numpy/scipy, same invocation.
#
# 1. GenerateData.java writes reference.csv and current.csv (ROWS rows each, 20 mixed columns,
#    six of them shifted in current; seeded) and the same values as raw arrays for numpy.
# 2. Sketch mode, the headline: `java -Xmx64m -jar cli/target/driftwatch.jar drift --sketch
#    --reference reference.csv --current current.csv --format json`, timed from process start to
#    exit (JVM start, streaming CSV reads of both files, the reference profiled on the way in two
#    passes beside the current file's pass, all 20 default methods on the sketches). Heap from the GC
#    log: peak = the most heap in use seen at any GC or at exit; live = the most left after a GC.
#    Run again on the first quarter of the rows: the heap must not grow with the row count.
# 3. Exact mode for comparison: the same command with --exact under DRIFTWATCH_JAVA_OPTS (default
#    -Xmx2g): every value in memory, so its heap grows with the rows.
# 4. Baseline: scipy_baseline.py computes the same default methods (wasserstein normed by the
#    reference std, jensenshannon of value counts) with numpy/scipy on the preloaded arrays; only
#    the statistics are timed (no CSV parsing), and its results are checked against step 3's JSON.
#    StatsOnly.java does the same through the stats API on the same arrays, for a like-for-like
#    figure without parsing.
#
# Last line: drift_batch_vs_scipy speedup=<scipy seconds / sketch-mode seconds>
#            peak_heap_mb=<peak heap of the sketch-mode run at ROWS rows>
# Environment: ROWS (default 1000000), SEED (42), RUNS (3: the runs alternate, the fastest of each
# counts), WORK (scratch dir, default a new temp dir, removed at the end), PYTHON (/usr/bin/python3,
# needs python3-numpy and python3-scipy), SKETCH_JAVA_OPTS (JVM options of the sketch-mode runs,
# default -Xmx64m), DRIFTWATCH_JAVA_OPTS (JVM options of the exact-mode runs, default -Xmx2g).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${ROWS:-1000000}"
seed="${SEED:-42}"
python="${PYTHON:-/usr/bin/python3}"
jar="$root/cli/target/driftwatch.jar"

if ! "$python" -c 'import numpy, scipy' 2>/dev/null; then
  echo "drift-batch: $python cannot import numpy and scipy (apt-get install -y python3-scipy)" >&2
  exit 2
fi
if [ ! -f "$jar" ]; then
  echo "drift-batch: building the CLI ($jar)" >&2
  (cd "$root" && ./mvnw -B -q -pl cli -am package -DskipTests)
fi
if ! java -jar "$jar" drift --help >/dev/null 2>&1; then
  echo "drift-batch: $jar has no drift command; rebuild it (./mvnw -pl cli -am package)" >&2
  exit 2
fi

if [ -n "${WORK:-}" ]; then
  work="$WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d /tmp/driftwatch-drift-batch.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
fi

# heap MB from a -Xlog:gc,gc+heap+exit log: "peak live"
heap() {
  awk '
    match($0, /[0-9]+M->[0-9]+M\(/) {
      s = substr($0, RSTART, RLENGTH - 1); split(s, a, "->");
      b = a[1] + 0; l = a[2] + 0; if (b > peak) peak = b; if (l > live) live = l
    }
    /garbage-first heap|def new generation|PSYoungGen|total .*used/ && match($0, /used [0-9]+K/) {
      u = substr($0, RSTART + 5, RLENGTH - 6) / 1024; if (u > peak) peak = u
    }
    END { printf "%d %d\n", peak, live }' "$1"
}
# run_cli NAME JAVA_OPTS... -- CLI ARGS...: prints "wall_seconds cpu_seconds" (user + system);
# output in $work/NAME.out and .err, GC log in $work/NAME.gc
run_cli() {
  local name="$1"
  shift
  local opts=()
  while [ "$1" != "--" ]; do
    opts+=("$1")
    shift
  done
  shift
  local TIMEFORMAT='%R %U %S'
  {
    time java "${opts[@]}" "-Xlog:gc,gc+heap+exit:file=$work/$name.gc" -jar "$jar" "$@" \
      >"$work/$name.out" 2>"$work/$name.err"
  } 2>"$work/$name.time" || {
    echo "drift-batch: $name failed:" >&2
    cat "$work/$name.err" >&2
    exit 1
  }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/$name.time"
}

echo "drift-batch: generating $rows rows x 20 columns (reference and current, seed $seed) in $work"
java "$here/GenerateData.java" "$work" "$rows" "$seed"
csv_mb=$(( $(stat -c %s "$work/reference.csv") / 1048576 ))

# Sketch mode, exact mode and the baselines, interleaved, RUNS times each; the fastest run of each
# counts (the least disturbed by other work on the machine).
runs="${RUNS:-3}"
sketch_opts="${SKETCH_JAVA_OPTS:--Xmx64m}"
best_sketch=""
best_exact=""
best_scipy=""
best_stats=""
faster() { # A B: whether wall time A < the wall time that starts B
  [ -z "$2" ] || awk -v a="$1" -v b="${2%% *}" 'BEGIN { exit !(a < b) }'
}
for ((i = 1; i <= runs; i++)); do
  echo "drift-batch: sketch mode (driftwatch drift --sketch reference.csv current.csv), run $i of $runs"
  # shellcheck disable=SC2086
  run_cli "sketch$i" $sketch_opts -- drift --sketch --reference "$work/reference.csv" \
    --current "$work/current.csv" --format json --out "$work/sketch.json" >"$work/sketch$i.t"
  read -r wall cpu <"$work/sketch$i.t"
  if faster "$wall" "$best_sketch"; then best_sketch="$wall $cpu $i"; fi
  echo "drift-batch: exact mode (driftwatch drift --exact reference.csv current.csv), run $i of $runs"
  # shellcheck disable=SC2086
  run_cli "exact$i" ${DRIFTWATCH_JAVA_OPTS:--Xmx2g} -- drift --exact --reference "$work/reference.csv" \
    --current "$work/current.csv" --format json --out "$work/exact.json" >"$work/exact$i.t"
  read -r wall cpu <"$work/exact$i.t"
  if faster "$wall" "$best_exact"; then best_exact="$wall $cpu $i"; fi
  echo "drift-batch: numpy/scipy baseline on the same data, run $i of $runs"
  "$python" "$here/scipy_baseline.py" "$work" "$work/exact.json" >"$work/scipy$i.json"
  read -r swall scpu <<<"$("$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["seconds"], r["cpu_seconds"])' "$work/scipy$i.json")"
  if faster "$swall" "$best_scipy"; then best_scipy="$swall $scpu $i"; fi
  echo "drift-batch: the stats API alone on the same arrays, run $i of $runs"
  read -r jwall jcpu <<<"$(java -Xmx2g -cp "$jar:$root/cli/target/lib/*" "$here/StatsOnly.java" "$work")"
  if faster "$jwall" "$best_stats"; then best_stats="$jwall $jcpu"; fi
done
read -r t_sketch c_sketch i_sketch <<<"$best_sketch"
read -r t_exact c_exact i_exact <<<"$best_exact"
read -r t_scipy c_scipy i_scipy <<<"$best_scipy"
read -r t_stats c_stats <<<"$best_stats"
read -r sketch_peak sketch_live <<<"$(heap "$work/sketch$i_sketch.gc")"
read -r exact_peak exact_live <<<"$(heap "$work/exact$i_exact.gc")"
read -r t_load agree <<<"$("$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["load_seconds"], r["max_relative_difference"])' "$work/scipy$i_scipy.json")"

quarter=$(( rows / 4 ))
echo "drift-batch: sketch mode on the first $quarter rows (does the heap grow with the rows?)"
head -n $(( quarter + 1 )) "$work/reference.csv" >"$work/reference.quarter.csv"
head -n $(( quarter + 1 )) "$work/current.csv" >"$work/current.quarter.csv"
# shellcheck disable=SC2086
run_cli "sketch.quarter" $sketch_opts -- drift --sketch --reference "$work/reference.quarter.csv" \
  --current "$work/current.quarter.csv" --format json --out "$work/sketch.quarter.json" >/dev/null
read -r q_peak q_live <<<"$(heap "$work/sketch.quarter.gc")"
sketch_vs_exact=$("$python" -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
same = sum(x["drift"] == y["drift"] for x, y in zip(a["columns"], b["columns"]))
num = lambda v: isinstance(v, (int, float))
diff = max([abs(x["statistic"] - y["statistic"]) for x, y in zip(a["columns"], b["columns"])
            if x["method"] == y["method"] and num(x["statistic"]) and num(y["statistic"])] or [0])
print("%d/%d %.2g" % (same, len(a["columns"]), diff))' "$work/exact.json" "$work/sketch.json")

"$python" - "$rows" "$csv_mb" "$t_exact" "$exact_peak" "$exact_live" "$t_scipy" "$t_load" \
  "$agree" "$t_sketch" "$c_sketch" "$sketch_peak" "$sketch_live" "$q_peak" "$q_live" \
  "$sketch_vs_exact" "$(nproc)" "$c_exact" "$c_scipy" "$runs" \
  "$(cut -d' ' -f1 /proc/loadavg)" "$t_stats" "$c_stats" "$sketch_opts" <<'PY'
import sys
(rows, csv_mb, t_exact, exact_peak, exact_live, t_scipy, t_load, agree, t_sketch, c_sketch,
 sketch_peak, sketch_live, q_peak, q_live, sketch_vs_exact, cores, c_exact, c_scipy, runs, load,
 t_stats, c_stats, sketch_opts) = sys.argv[1:]
rows = int(rows); t_exact = float(t_exact); t_scipy = float(t_scipy); t_sketch = float(t_sketch)
same, max_diff = sketch_vs_exact.split()
print(f"data: {rows} rows x 20 columns per file, {csv_mb} MB of CSV each; {cores} cores,"
      f" load average {load}; best of {runs} interleaved runs each")
print(f"java sketch : {t_sketch:.2f} s wall, {float(c_sketch):.2f} s CPU for {2 * rows} rows (JVM"
      f" start, streaming CSV reads of both files, the reference profiled on the way, 20 default"
      f" methods) = {2 * rows / t_sketch:,.0f} rows/s under {sketch_opts}; peak heap {sketch_peak} MB,"
      f" live heap {sketch_live} MB at {rows} rows vs {q_peak} MB / {q_live} MB at {rows // 4}"
      f" rows; same verdict as exact mode on {same} columns, largest statistic difference {max_diff}")
print(f"java exact  : {t_exact:.2f} s wall, {float(c_exact):.2f} s CPU for the same (every value in"
      f" memory) = {2 * rows / t_exact:,.0f} rows/s; peak heap {exact_peak} MB, live heap"
      f" {exact_live} MB; {t_scipy / t_exact:.2f}x numpy/scipy")
print(f"numpy/scipy : {t_scipy:.2f} s wall, {float(c_scipy):.2f} s CPU for the same 20 statistics"
      f" on preloaded arrays (CSV parsing not timed; loading took {float(t_load):.2f} s);"
      f" largest relative difference from driftwatch exact mode: {float(agree):.1e}")
print(f"java stats  : {float(t_stats):.2f} s wall, {float(c_stats):.2f} s CPU for the same 20"
      f" statistics through the stats API on the same preloaded arrays, one thread"
      f" (StatsOnly.java): {t_scipy / float(t_stats):.2f}x numpy/scipy")
print(f"drift_batch_vs_scipy speedup={t_scipy / t_sketch:.2f} peak_heap_mb={sketch_peak}")
PY
