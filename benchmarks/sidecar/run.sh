#!/usr/bin/env bash
# benchmarks/run sidecar — what the sidecar adds to an inference call, beside nginx.
#
# One invocation runs the same workload against three targets:
#   direct   a stub model server (nginx answering a fixed KServe v2 response)
#   nginx    nginx proxy_pass in front of the stub (keep-alive upstream, 2 workers)
#   sidecar  the Driftwatch sidecar in front of the stub, capture on, to a real Kafka broker
# Workload: 1 KB KServe v2 JSON requests, (1) at a fixed rate (default 1000/s, open loop,
# latency from each request's due time) and (2) at saturation (wrk, 2 threads, 32 connections):
# all the fixed-rate rounds first, then all the saturation rounds, so that what a saturation phase
# leaves behind does not fall into a fixed-rate measurement: the sidecar's JIT recompiling (see
# WARMUP), and the broker's tens of megabytes of records, which the kernel writes out to disk
# about 30 s later.
# This machine is noisy, with phases of seconds in which everything on it runs slower, so the
# targets are interleaved: at the fixed rate one client takes turns of SLICE_MS (500 ms) between
# them, each target getting SECONDS_PER_RUN seconds of the round; at saturation the targets take
# SAT_SLICES turns each of one wrk run, in an order that rotates from round to round (after each of
# the sidecar's turns the benchmark waits for its capture to catch up, so that no other target
# shares the CPU with that). Medians are reported with the spread (min..max) across rounds. At
# both rates the benchmark also reads the CPU time of the proxy's processes from /proc and reports
# it per request (at saturation the broker's too).
# The sidecar's capture worker takes only CPU its proxy leaves (capture.cpu.priority=idle): what
# it could not keep up with is shed, counted, and reported per phase as the share captured.
# Last line: sidecar_vs_nginx added_p99_ratio=X throughput_ratio=Y
#   X = added p99 of the sidecar / added p99 of nginx at the fixed rate (lower is better)
#   Y = saturation throughput of the sidecar / that of nginx (higher is better)
# Beside the latencies from each request's due time, which X is taken from, the client reports them
# from when it sent each request, with its own lateness in sending left out (see FixedRateClient),
# and how late it was: on two cores shared with the servers, that lateness is about as large as the
# latency measured, and a client on another machine would have none of it. The summary prints
# those figures and their ratio too ("from send"), to tell the proxies' tail from the client's.
# The line before it gives X and Y of each round, and how many rounds met 1.0. Each fixed-rate
# round also prints, per target, where in its turns its slowest requests (p99 and above) were due
# ("turns ..." lines, see FixedRateClient): a bunch at one offset says what holds a target up.
# Whole runs of it move by more than most changes do; to compare two builds or configurations of
# the sidecar at the tail, use benchmarks/run sidecar-ab.
# The workload and the servers' set-up are in common.sh, shared with sidecar-ab.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# Five rounds: with three, the median added p99 still moved by tens of µs from run to run. A run
# takes about 8 minutes.
ROUNDS="${ROUNDS:-5}"
RATE="${RATE:-1000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
# Seconds of the interleaved fixed-rate traffic each round sends before it measures. The first
# round follows the warm-up's saturation runs, whose connections close at their end, and the closes
# and the change of load make the sidecar's JIT throw away and recompile hot code: when every round
# followed a saturation phase, with 2 s, the sidecar's first measured turn held 10 to 20 % of its
# requests slower than nginx's p99 in the round, while C1 and C2 compiles ran. With 8 s that
# transient is over before the measurement starts, as it is for a sidecar serving a steady load;
# nginx, with nothing to compile, is measured the same way.
WARMUP="${WARMUP:-8}"
# Seconds of saturation each target gets per round, in SAT_SLICES turns taken in rotation with the
# other targets. In one turn of 8 s, a slow phase of the machine (seconds long, everything on it
# slower) fell on one target and not on the next: the ratio of one round moved between 0.81 and
# 1.10 with nothing changed. Turns of 2 s put every target into every phase.
SAT_SECONDS="${SAT_SECONDS:-8}"
SAT_SLICES="${SAT_SLICES:-4}"
slice=$((SAT_SECONDS / SAT_SLICES))
[ "$slice" -ge 1 ] || { echo "benchmark sidecar: SAT_SECONDS / SAT_SLICES must be at least 1 s" >&2; exit 2; }
WARM_SECONDS="${WARM_SECONDS:-5}"
WARM_CYCLES="${WARM_CYCLES:-2}"
SLICE_MS="${SLICE_MS:-500}"
# The sidecar's JVM options. Default: a fixed heap, touched at start, as a latency-sensitive JVM
# service is run: with the driftwatch command's -Xmx2g alone, G1 kept resizing the heap under
# saturation, and rounds with twice the young collections ran about 15 % slower. The injector's
# default pod gives it 256 MB (-Xmx256m; in a 512Mi container the JVM picks the serial collector):
# set SIDECAR_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" to measure that.
SIDECAR_JAVA_OPTS="${SIDECAR_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"
# Further sidecar settings, KEY=VALUE separated by spaces, each passed as --set KEY=VALUE; e.g.
# SIDECAR_SET="io.transport=io_uring" measures the io_uring transport instead of the default, and
# SIDECAR_SET="io.cpu.priority=normal" the event loops in the ordinary scheduling class instead of
# SCHED_BATCH.
SIDECAR_SET="${SIDECAR_SET:-}"
STUB_PORT=18001 NGINX_PORT=18002 SIDECAR_PORT=18003 SIDECAR_ADMIN=18004 BROKER_PORT=18092

for tool in nginx wrk java; do
  command -v "$tool" >/dev/null || { echo "benchmark sidecar: '$tool' is missing (apt-get install -y nginx-light wrk)" >&2; exit 2; }
done
# Debian installs nginx in /usr/sbin, which may not be on a user's PATH.
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
# shellcheck source=benchmarks/sidecar/common.sh
source "$here/common.sh"

make_work sidecar

write_body "$work/body.json"
echo "request body: $(wc -c <"$work/body.json") bytes"
echo "sidecar JVM options: $SIDECAR_JAVA_OPTS"

start_stub_and_nginx "$NGINX_PORT"

java -version >/dev/null 2>&1
"$root/driftwatch" --version >/dev/null   # builds the jar if needed
jar="$root/cli/target/driftwatch.jar"
start_broker "$jar" "$BROKER_PORT"
start_sidecar sidecar "$jar" "$SIDECAR_JAVA_OPTS" "$SIDECAR_PORT" "$SIDECAR_ADMIN" "$BROKER_PORT" $SIDECAR_SET

# The processes whose CPU time is the proxy's: nginx's master and workers, the sidecar's JVM.
declare -A serving=([direct]="" [nginx]="$(cat "$work/proxy.pid") $(pgrep -P "$(cat "$work/proxy.pid")" | tr '\n' ' ')" [sidecar]="$sidecar_pid")

# After a sidecar turn at saturation: wait until its capture queue is empty and the producer has
# lingered (1 s) and sent, so that capture's catching up on what the turn queued (its worker, the
# broker) is done between turns, not in the next target's. Its CPU time still counts for the
# sidecar (see the saturation phase).
settle() {
  local q
  for _ in $(seq 300); do
    q=$(curl -s "http://127.0.0.1:$SIDECAR_ADMIN/metrics" | awk '/^driftwatch_sidecar_capture_queue_records / { print int($2) }')
    [ "${q:-0}" -eq 0 ] && break
    sleep 0.1
  done
  sleep 1.5
}

url() { case "$1" in direct) echo "http://127.0.0.1:$STUB_PORT$INFER_PATH";; nginx) echo "http://127.0.0.1:$NGINX_PORT$INFER_PATH";; sidecar) echo "http://127.0.0.1:$SIDECAR_PORT$INFER_PATH";; esac; }
# The fixed-rate phase sends to all three targets from one client, in turns of SLICE_MS each.
all="direct=$(url direct),nginx=$(url nginx),sidecar=$(url sidecar)"
write_post_lua "$work/post.lua" "$work/body.json"
client="$here/FixedRateClient.java"

# Warm-up of every path, not measured, in both of the measured phases: the JVMs' JIT compilers
# (the sidecar's and the broker's) need traffic before their code is steady, and code compiled under
# saturation alone is recompiled when the fixed rate takes other branches: a compile takes a CPU for
# milliseconds, and in the first fixed-rate round the sidecar's did so about a thousand times.
for cycle in $(seq "$WARM_CYCLES"); do
  for t in direct nginx sidecar; do
    wrk -t2 -c16 -d"${WARM_SECONDS}s" -s "$work/post.lua" "$(url $t)" >/dev/null
  done
  java -Xmx256m "$client" "$all" "$work/body.json" "$RATE" "$((3 * WARM_SECONDS))" 0 16 "$SLICE_MS" >/dev/null
done

targets=(direct nginx sidecar)
: >"$work/results"
# CPU time per request at the fixed rate: the proxy's processes over the whole client run (its
# warm-up included, and whatever the sidecar does in the other targets' turns), divided by the
# requests the target got in it, which the sidecar counts (the turns give every target as many).
for round in $(seq "$ROUNDS"); do
  read -r s0 c0 a0 b0 <<<"$(counters "$SIDECAR_ADMIN")"
  read -r nu0 ny0 <<<"$(cpu_ticks ${serving[nginx]})"
  read -r su0 sy0 <<<"$(cpu_ticks ${serving[sidecar]})"
  lo0=$(loop_ticks "$sidecar_pid")
  lines=$(java -Xmx256m "$client" "$all" "$work/body.json" "$RATE" "$((3 * SECONDS_PER_RUN))" "$WARMUP" 16 "$SLICE_MS")
  read -r nu1 ny1 <<<"$(cpu_ticks ${serving[nginx]})"
  read -r su1 sy1 <<<"$(cpu_ticks ${serving[sidecar]})"
  lo1=$(loop_ticks "$sidecar_pid")
  read -r s1 c1 a1 b1 <<<"$(counters "$SIDECAR_ADMIN")"
  n=$((c1 - c0))
  for t in "${targets[@]}"; do
    line=$(grep "^target=$t " <<<"$lines" | cut -d' ' -f2-)
    if [ "$t" = nginx ]; then
      line="$line cpu_us=$(per_request_us $((nu1 - nu0 + ny1 - ny0)) "$n")"
    elif [ "$t" = sidecar ]; then
      line="$line cpu_us=$(per_request_us $((su1 - su0 + sy1 - sy0)) "$n") loops_cpu_us=$(per_request_us $((lo1 - lo0)) "$n")"
      line="$line shed=$((s1 - s0)) own_n=$n own_over_500us=$((n - (a1 - a0))) own_over_1ms=$((n - (b1 - b0)))"
    fi
    echo "round $round $t fixed-rate $RATE/s: $line"
    echo "$round $t fixed $line" >>"$work/results"
  done
  grep "^turns " <<<"$lines" | sed "s/^/round $round /" || true
done
for round in $(seq "$ROUNDS"); do
  order=("${targets[@]:$((round % 3))}" "${targets[@]:0:$((round % 3))}")
  # Saturation: SAT_SLICES turns per target, the targets in rotation, each turn a wrk run of its
  # own. Summed per target: requests and seconds, and the broker's CPU time during its turns. The
  # CPU time of a proxy's processes is taken over the whole phase: the sidecar's capture worker
  # catches up on what it queued after its turn is over (see settle).
  declare -A n_req=() n_sec=() n_err=() n_user=() n_sys=() n_broker=() n_shed=()
  for t in "${targets[@]}"; do
    n_req[$t]=0 n_sec[$t]=0 n_err[$t]=0 n_broker[$t]=0 n_shed[$t]=0
    read -r n_user[$t] n_sys[$t] <<<"$(cpu_ticks ${serving[$t]})"
  done
  loops0=$(loop_ticks "$sidecar_pid")
  for _ in $(seq "$SAT_SLICES"); do
    for t in "${order[@]}"; do
      read -r s0 _ <<<"$(counters "$SIDECAR_ADMIN")"
      read -r bu0 by0 <<<"$(cpu_ticks "$broker_pid")"
      out=$(wrk -t2 -c32 -d"${slice}s" -s "$work/post.lua" "$(url $t)")
      read -r bu1 by1 <<<"$(cpu_ticks "$broker_pid")"
      read -r s1 _ <<<"$(counters "$SIDECAR_ADMIN")"
      if [ "$t" = sidecar ]; then settle; fi
      read -r reqs secs <<<"$(awk '/requests in/ { d = $4; sub(/,$/, "", d); f = 1
        if (d ~ /ms$/) f = 0.001; else if (d ~ /m$/) f = 60; sub(/[a-z]+$/, "", d); print $1, d * f }' <<<"$out")"
      errs=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
      n_req[$t]=$((n_req[$t] + reqs)); n_sec[$t]=$(awk -v a="${n_sec[$t]}" -v b="$secs" 'BEGIN { print a + b }')
      n_err[$t]=$((n_err[$t] + ${errs:-0})); n_shed[$t]=$((n_shed[$t] + s1 - s0))
      n_broker[$t]=$((n_broker[$t] + bu1 - bu0 + by1 - by0))
    done
  done
  for t in "${targets[@]}"; do
    read -r u1 y1 <<<"$(cpu_ticks ${serving[$t]})"
    n_user[$t]=$((u1 - n_user[$t])); n_sys[$t]=$((y1 - n_sys[$t]))
  done
  loops=$(($(loop_ticks "$sidecar_pid") - loops0))
  for t in "${order[@]}"; do
    line=$(awk -v n="${n_req[$t]}" -v s="${n_sec[$t]}" -v u="${n_user[$t]}" -v y="${n_sys[$t]}" -v b="${n_broker[$t]}" -v hz="$clock_hz" \
      'BEGIN { k = n ? 1e6 / hz / n : 0; printf "rps=%.2f cpu_user_us=%.2f cpu_sys_us=%.2f broker_us=%.2f", s ? n / s : 0, u * k, y * k, b * k }')
    extra=""
    if [ "$t" = sidecar ]; then
      extra=" loops_us=$(per_request_us "$loops" "${n_req[$t]}" 2) requests=${n_req[$t]} shed=${n_shed[$t]}"
    fi
    echo "round $round $t saturation: ${line/rps=/requests/s=} non2xx=${n_err[$t]}$extra"
    echo "$round $t sat $line$extra" >>"$work/results"
  done
done

echo
echo "sidecar capture: $(curl -s "http://127.0.0.1:$SIDECAR_ADMIN/metrics" | grep -E '^driftwatch_sidecar_records_(captured|sent)_total|^driftwatch_sidecar_records_dropped_total' | awk '$2 != "0.0"' | tr '\n' ' ')"
echo
awk "$STATS_AWK"'
function mn(arr, n,   i, m) { m = arr[1]; for (i = 2; i <= n; i++) if (arr[i] < m) m = arr[i]; return m }
function mx(arr, n,   i, m) { m = arr[1]; for (i = 2; i <= n; i++) if (arr[i] > m) m = arr[i]; return m }
# roundRatios(Q): per round, the sidecar'"'"'s added value of Q (p99s by round and target) over that of
# nginx; sets rs (the ratios, " n/a" for a round in which the p99 of the direct path is at or above
# that of nginx: the whole machine stalled in its turns, so the round compares nothing) and rk (how
# many are at or below 1.0; an n/a round does not count).
function roundRatios(q,   r, an, xr) {
  rs = ""; rk = 0
  for (r = 1; r <= n; r++) {
    an = q[r, "nginx"] - q[r, "direct"]
    xr = an > 0 ? (q[r, "sidecar"] - q[r, "direct"]) / an : 0
    rs = rs (an > 0 ? sprintf(" %.2f", xr) : " n/a"); rk += an > 0 && xr <= 1.0
  }
}
$3 == "fixed" { p50[$1, $2] = val($0, "p50_us"); p99[$1, $2] = val($0, "p99_us"); fcpu[$1, $2] = val($0, "cpu_us"); rounds[$1] = 1 }
$3 == "fixed" { s50[$1, $2] = val($0, "send_p50_us"); s99[$1, $2] = val($0, "send_p99_us"); l50[$1, $2] = val($0, "late_p50_us"); l99[$1, $2] = val($0, "late_p99_us"); tl[$1, $2] = val($0, "tail_late_pct") }
$3 == "fixed" && $2 == "sidecar" { floops[$1] = val($0, "loops_cpu_us") + 0; fixedShed += val($0, "shed"); ownN += val($0, "own_n"); own500 += val($0, "own_over_500us"); own1 += val($0, "own_over_1ms") }
$3 == "sat" { rps[$1, $2] = val($0, "rps"); cu[$1, $2] = val($0, "cpu_user_us"); cs[$1, $2] = val($0, "cpu_sys_us"); bk[$1, $2] = val($0, "broker_us") }
$3 == "sat" && $2 == "sidecar" { satReq += val($0, "requests"); satShed += val($0, "shed"); lp[$1] = val($0, "loops_us") + 0 }
END {
  n = 0; for (r in rounds) n++
  for (ti = 1; ti <= 2; ti++) {
    t = ti == 1 ? "nginx" : "sidecar"
    for (r = 1; r <= n; r++) { a50[r] = p50[r, t] - p50[r, "direct"]; a99[r] = p99[r, t] - p99[r, "direct"]; thr[r] = rps[r, t] + 0 }
    m50[t] = median(a50, n); m99[t] = median(a99, n); mthr[t] = median(thr, n)
    printf "%-8s added p50 %7.1f us (%.1f..%.1f)  added p99 %7.1f us (%.1f..%.1f)  saturation %9.0f req/s (%.0f..%.0f)\n", t, m50[t], mn(a50, n), mx(a50, n), m99[t], mn(a99, n), mx(a99, n), mthr[t], mn(thr, n), mx(thr, n)
  }
  for (ti = 1; ti <= 2; ti++) {
    t = ti == 1 ? "nginx" : "sidecar"
    for (r = 1; r <= n; r++) { a50[r] = s50[r, t] - s50[r, "direct"]; a99[r] = s99[r, t] - s99[r, "direct"] }
    sm50[t] = median(a50, n); sm99[t] = median(a99, n)
    printf "%-8s from send: added p50 %7.1f us (%.1f..%.1f)  added p99 %7.1f us (%.1f..%.1f)\n", t, sm50[t], mn(a50, n), mx(a50, n), sm99[t], mn(a99, n), mx(a99, n)
  }
  for (ti = 1; ti <= 3; ti++) {
    t = ti == 1 ? "direct" : ti == 2 ? "nginx" : "sidecar"
    for (r = 1; r <= n; r++) { a50[r] = l50[r, t] + 0; a99[r] = l99[r, t] + 0; a1[r] = tl[r, t] + 0 }
    lates = lates sprintf("%s %s %.1f/%.1f us (%.0f%%)", ti > 1 ? "," : "", t, median(a50, n), median(a99, n), median(a1, n))
  }
  printf "the client itself sending late, p50/p99 (and its share of the slowest 1%%'"'"'s latency), in the turns of:%s\n", lates
  for (r = 1; r <= n; r++) dthr[r] = rps[r, "direct"] + 0
  printf "direct   saturation %9.0f req/s (median of %d rounds)\n", median(dthr, n), n
  # CPU time per request at saturation, of the proxy'"'"'s processes and of the broker in the same turns:
  # much steadier than requests per second, it says where a difference in throughput comes from.
  for (ti = 1; ti <= 2; ti++) {
    t = ti == 1 ? "nginx" : "sidecar"
    for (r = 1; r <= n; r++) { cpuU[r] = cu[r, t] + 0; cpuS[r] = cs[r, t] + 0; cpuT[r] = cpuU[r] + cpuS[r]; cpuB[r] = bk[r, t] + 0 }
    printf "%-8s CPU per request at saturation %5.2f us (%.2f..%.2f): user %.2f, system %.2f; the broker in its turns %.2f us\n", t, median(cpuT, n), mn(cpuT, n), mx(cpuT, n), median(cpuU, n), median(cpuS, n), median(cpuB, n)
  }
  printf "sidecar  of which its event loops %.2f us (%.2f..%.2f), the rest capture (parsing, the producer) and the JVM\n", median(lp, n), mn(lp, n), mx(lp, n)
  # Below saturation a request costs more CPU than at saturation (every one a wake-up, caches
  # cold), and what the sidecar does beside its loops shows more.
  for (r = 1; r <= n; r++) { fn[r] = fcpu[r, "nginx"] + 0; fs[r] = fcpu[r, "sidecar"] + 0 }
  printf "CPU per request at the fixed rate: nginx %.1f us (%.1f..%.1f), sidecar %.1f us (%.1f..%.1f), of which its event loops %.1f us\n", median(fn, n), mn(fn, n), mx(fn, n), median(fs, n), mn(fs, n), mx(fs, n), median(floops, n)
  # One record per request here (one row each): the share captured is the share not shed.
  printf "sidecar  its own time (request head in to last byte out, the model'"'"'s included) at the fixed rate: %.2f%% over 0.5 ms, %.2f%% over 1 ms (of %d)\n", ownN ? 100 * own500 / ownN : 0, ownN ? 100 * own1 / ownN : 0, ownN
  printf "sidecar  captured at the fixed rate %.1f%% (%d of %d shed), at saturation %.1f%% (%d of %d shed)\n", ownN ? 100 * (1 - fixedShed / ownN) : 0, fixedShed, ownN, satReq ? 100 * (1 - satShed / satReq) : 0, satShed, satReq
  # The ratios of each round, so that the spread of X and Y themselves shows (the last line takes
  # the medians of the per-round values above, not of these ratios).
  ys = ""; yk = 0
  for (r = 1; r <= n; r++) {
    yr = rps[r, "nginx"] + 0 > 0 ? rps[r, "sidecar"] / rps[r, "nginx"] : 0
    ys = ys sprintf(" %.2f", yr); yk += yr >= 1.0
  }
  roundRatios(p99)
  printf "per round: added_p99_ratio%s (%d of %d at or below 1.0); throughput_ratio%s (%d of %d at or above 1.0)\n", rs, rk, n, ys, yk, n
  roundRatios(s99)
  xsend = sm99["nginx"] > 0 ? sm99["sidecar"] / sm99["nginx"] : 0
  printf "from send, per round: added_p99_ratio%s (%d of %d at or below 1.0); median: added_p99_ratio=%.2f\n", rs, rk, n, xsend
  x = m99["nginx"] > 0 ? m99["sidecar"] / m99["nginx"] : 0
  y = mthr["nginx"] > 0 ? mthr["sidecar"] / mthr["nginx"] : 0
  printf "sidecar_vs_nginx added_p99_ratio=%.2f throughput_ratio=%.2f\n", x, y
}' "$work/results"
