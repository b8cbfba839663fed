#!/usr/bin/env bash
# drift-batch: `driftwatch drift` on 1 M rows x 20 columns against numpy/scipy, same invocation.
#
# 1. GenerateData.java writes reference.csv and current.csv (ROWS rows each, 20 mixed columns,
#    six of them shifted in current; seeded) and the same values as raw arrays for numpy.
# 2. Exact mode: `java -Xmx2g -jar cli/target/driftwatch.jar drift --reference reference.csv
#    --current current.csv --format json` (the JVM options of ./driftwatch: DRIFTWATCH_JAVA_OPTS,
#    default -Xmx2g), timed from process start to exit
#    (JVM start, CSV parsing of both files, typing, all 20 default methods). Heap from the GC log:
#    peak = the most heap in use seen at any GC or at exit; live = the most left after a GC.
# 3. Baseline: scipy_baseline.py computes the same default methods (wasserstein normed by the
#    reference std, jensenshannon of value counts) with numpy/scipy on the preloaded arrays; only
#    the statistics are timed (no CSV parsing), and its results are checked against step 2's JSON.
#    StatsOnly.java does the same through the stats API on the same arrays, for a like-for-like
#    figure without parsing.
# 4. Streaming: `profile` of the reference then `drift` of the current file against the profile
#    under a 64 MiB heap cap, at ROWS rows and at a quarter of them, to show that the heap of the
#    streaming read does not grow with the row count.
#
# Last line: drift_batch_vs_scipy speedup=<scipy seconds / exact-mode seconds>
#            peak_heap_mb=<peak heap of the exact-mode run>
# Environment: ROWS (default 1000000), SEED (42), RUNS (3: exact mode and baseline alternate, the
# fastest of each counts), WORK (scratch dir, default a new temp dir,
# removed at the end), PYTHON (/usr/bin/python3, needs python3-numpy and python3-scipy),
# DRIFTWATCH_JAVA_OPTS (JVM options of the exact-mode run, default -Xmx2g).
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

# Exact mode and the baseline, interleaved, RUNS times each; the fastest run of each counts (the
# least disturbed by other work on the machine).
runs="${RUNS:-3}"
best_exact=""
best_scipy=""
best_stats=""
for ((i = 1; i <= runs; i++)); do
  echo "drift-batch: exact mode (driftwatch drift reference.csv current.csv), run $i of $runs"
  # shellcheck disable=SC2086
  run_cli "exact$i" ${DRIFTWATCH_JAVA_OPTS:--Xmx2g} -- drift --reference "$work/reference.csv" \
    --current "$work/current.csv" --format json --out "$work/exact.json" >"$work/exact$i.t"
  read -r wall cpu <"$work/exact$i.t"
  if [ -z "$best_exact" ] || awk -v a="$wall" -v b="${best_exact%% *}" 'BEGIN { exit !(a < b) }'; then
    best_exact="$wall $cpu $i"
  fi
  echo "drift-batch: numpy/scipy baseline on the same data, run $i of $runs"
  "$python" "$here/scipy_baseline.py" "$work" "$work/exact.json" >"$work/scipy$i.json"
  read -r swall scpu <<<"$("$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["seconds"], r["cpu_seconds"])' "$work/scipy$i.json")"
  if [ -z "$best_scipy" ] || awk -v a="$swall" -v b="${best_scipy%% *}" 'BEGIN { exit !(a < b) }'; then
    best_scipy="$swall $scpu $i"
  fi
  echo "drift-batch: the stats API alone on the same arrays, run $i of $runs"
  read -r jwall jcpu <<<"$(java -Xmx2g -cp "$jar:$root/cli/target/lib/*" "$here/StatsOnly.java" "$work")"
  if [ -z "$best_stats" ] || awk -v a="$jwall" -v b="${best_stats%% *}" 'BEGIN { exit !(a < b) }'; then
    best_stats="$jwall $jcpu"
  fi
done
read -r t_exact c_exact i_exact <<<"$best_exact"
read -r t_scipy c_scipy i_scipy <<<"$best_scipy"
read -r t_stats c_stats <<<"$best_stats"
read -r exact_peak exact_live <<<"$(heap "$work/exact$i_exact.gc")"
read -r t_load agree <<<"$("$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["load_seconds"], r["max_relative_difference"])' "$work/scipy$i_scipy.json")"

echo "drift-batch: streaming (profile, then drift against the profile, -Xmx64m)"
quarter=$(( rows / 4 ))
head -n $(( quarter + 1 )) "$work/reference.csv" >"$work/reference.quarter.csv"
head -n $(( quarter + 1 )) "$work/current.csv" >"$work/current.quarter.csv"
stream() { # SUFFIX ROWS_LABEL
  local sfx="$1"
  local tp td
  tp=$(run_cli "profile$sfx" -Xmx64m -- profile --input "$work/reference$sfx.csv" \
    --model bench --version 1 --out "$work/reference$sfx.dwp" | cut -d' ' -f1)
  td=$(run_cli "sketch$sfx" -Xmx64m -- drift --reference "$work/reference$sfx.dwp" \
    --current "$work/current$sfx.csv" --format json --out "$work/sketch$sfx.json" | cut -d' ' -f1)
  local pp pl dp dl
  read -r pp pl <<<"$(heap "$work/profile$sfx.gc")"
  read -r dp dl <<<"$(heap "$work/sketch$sfx.gc")"
  echo "$tp $td $(( pp > dp ? pp : dp )) $(( pl > dl ? pl : dl ))"
}
stream "" >"$work/stream.full"
stream ".quarter" >"$work/stream.quarter"
read -r tp_full td_full sp_full sl_full <"$work/stream.full"
read -r tp_q td_q sp_q sl_q <"$work/stream.quarter"
sketch_drifted=$("$python" -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
same = sum(x["drift"] == y["drift"] for x, y in zip(a["columns"], b["columns"]))
print("%d/%d" % (same, len(a["columns"])))' "$work/exact.json" "$work/sketch.json")

total_rows=$(( 2 * rows ))
"$python" - "$rows" "$csv_mb" "$t_exact" "$exact_peak" "$exact_live" "$t_scipy" "$t_load" \
  "$agree" "$tp_full" "$td_full" "$sp_full" "$sl_full" "$tp_q" "$td_q" "$sp_q" "$sl_q" \
  "$sketch_drifted" "$(nproc)" "$c_exact" "$c_scipy" "$runs" \
  "$(cut -d' ' -f1 /proc/loadavg)" "$t_stats" "$c_stats" <<'PY'
import sys
(rows, csv_mb, t_exact, exact_peak, exact_live, t_scipy, t_load, agree, tp, td, sp, sl,
 tpq, tdq, spq, slq, same, cores, c_exact, c_scipy, runs, load, t_stats, c_stats) = sys.argv[1:]
rows = int(rows); t_exact = float(t_exact); t_scipy = float(t_scipy)
print(f"data: {rows} rows x 20 columns per file, {csv_mb} MB of CSV each; {cores} cores,"
      f" load average {load}; best of {runs} interleaved runs each")
print(f"java exact  : {t_exact:.2f} s wall, {float(c_exact):.2f} s CPU for {2 * rows} rows (JVM"
      f" start, CSV parsing of both files, 20 default methods) = {2 * rows / t_exact:,.0f} rows/s;"
      f" peak heap {exact_peak} MB, live heap {exact_live} MB")
print(f"numpy/scipy : {t_scipy:.2f} s wall, {float(c_scipy):.2f} s CPU for the same 20 statistics"
      f" on preloaded arrays (CSV parsing not timed; loading took {float(t_load):.2f} s);"
      f" largest relative difference from driftwatch: {float(agree):.1e}")
print(f"java stats  : {float(t_stats):.2f} s wall, {float(c_stats):.2f} s CPU for the same 20"
      f" statistics through the stats API on the same preloaded arrays, one thread"
      f" (StatsOnly.java): {t_scipy / float(t_stats):.2f}x numpy/scipy")
print(f"java stream : profile {float(tp):.2f} s + drift against the profile {float(td):.2f} s"
      f" = {(2 * rows) / (float(tp) + float(td)):,.0f} rows/s under -Xmx64m;"
      f" peak heap {sp} MB, live heap {sl} MB at {rows} rows vs {spq} MB / {slq} MB at"
      f" {rows // 4} rows; same verdict as exact mode on {same} columns")
print(f"drift_batch_vs_scipy speedup={t_scipy / t_exact:.2f} peak_heap_mb={exact_peak}")
PY
