#!/usr/bin/env bash
# benchmarks/run sidecar-ab — two sidecars side by side: does a change move the latency tail?
#
# What a change to the proxy or to capture does to the added p99 at 1 000 requests/s is tens of µs
# at most, less than whole runs of `benchmarks/run sidecar` move from one to the next on a noisy
# machine. This benchmark runs two sidecars at once, A and B, which differ in their build, their JVM
# options or their settings, in front of the same stub model server and the same broker, beside
# nginx and the stub itself, and sends to all four from one fixed-rate client (open loop, latency
# from each request's due time) in turns of SLICE_MS: the machine's slow phases fall on every target
# alike, and a round compares A with B in the same seconds.
#
# Per round: each target's p50 and p99, and each sidecar's CPU time per request (its JVM, and of
# that its event loops). At the end: the medians of the rounds' added p50 and p99 (a target's
# latency less the stub's), each sidecar's against nginx's, and in how many rounds B's added p99 was
# below A's. Fixed rate only: for throughput, run `benchmarks/run sidecar` with each variant.
# Last line: sidecar_b_vs_a added_p99_ratio=X added_p50_ratio=Y b_below_a=K/N
#
# Settings (environment):
#   JAR_A, JAR_B    the driftwatch jar of each (default: this checkout's, built if needed); e.g. a
#                   copy of cli/target/driftwatch.jar and cli/target/lib from another branch
#   OPTS_A, OPTS_B  JVM options (default: -Xms1g -Xmx1g -XX:+AlwaysPreTouch, as benchmarks/run sidecar)
#   SET_A, SET_B    sidecar settings, KEY=VALUE separated by spaces, e.g. SET_B="sampling.rate=0"
#   ROUNDS (6), RATE (1000), SECONDS_PER_RUN (10: per target and round), WARMUP (8 s per round),
#   SLICE_MS (500)
# Example: SET_B="capture.cpu.priority=normal" benchmarks/run sidecar-ab
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

ROUNDS="${ROUNDS:-6}"
RATE="${RATE:-1000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
WARMUP="${WARMUP:-8}"
SLICE_MS="${SLICE_MS:-500}"
default_opts="-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
OPTS_A="${OPTS_A:-$default_opts}"
OPTS_B="${OPTS_B:-$default_opts}"
SET_A="${SET_A:-}"
SET_B="${SET_B:-}"
STUB_PORT=18101 NGINX_PORT=18102 A_PORT=18103 A_ADMIN=18104 B_PORT=18105 B_ADMIN=18106 BROKER_PORT=18192

for tool in nginx wrk java; do
  command -v "$tool" >/dev/null || { echo "benchmark sidecar-ab: '$tool' is missing (apt-get install -y nginx-light wrk)" >&2; exit 2; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
# shellcheck source=benchmarks/sidecar/common.sh
source "$root/benchmarks/sidecar/common.sh"

"$root/driftwatch" --version >/dev/null   # builds the jar if needed
JAR_A="${JAR_A:-$root/cli/target/driftwatch.jar}"
JAR_B="${JAR_B:-$root/cli/target/driftwatch.jar}"
for j in "$JAR_A" "$JAR_B"; do
  [ -f "$j" ] || { echo "benchmark sidecar-ab: no jar at $j" >&2; exit 2; }
done

make_work sidecar-ab

write_body "$work/body.json"
write_post_lua "$work/post.lua" "$work/body.json"
echo "A: $JAR_A, JVM options: $OPTS_A, settings: ${SET_A:-(defaults)}"
echo "B: $JAR_B, JVM options: $OPTS_B, settings: ${SET_B:-(defaults)}"
start_stub_and_nginx "$NGINX_PORT"
start_broker "$JAR_A" "$BROKER_PORT"
start_sidecar A "$JAR_A" "$OPTS_A" "$A_PORT" "$A_ADMIN" "$BROKER_PORT" $SET_A
a_pid=$sidecar_pid
start_sidecar B "$JAR_B" "$OPTS_B" "$B_PORT" "$B_ADMIN" "$BROKER_PORT" $SET_B
b_pid=$sidecar_pid

url() { echo "http://127.0.0.1:$1$INFER_PATH"; }
all="direct=$(url $STUB_PORT),nginx=$(url $NGINX_PORT),A=$(url $A_PORT),B=$(url $B_PORT)"
client="$root/benchmarks/sidecar/FixedRateClient.java"
# usage PID ADMIN_PORT: a sidecar's CPU time (its JVM, its event loops, in clock ticks) and the
# requests it has served, "cpu loops requests".
usage() {
  local u y n
  read -r u y <<<"$(cpu_ticks "$1")"
  read -r _ n _ _ <<<"$(counters "$2")"
  echo "$((u + y)) $(loop_ticks "$1") $n"
}
# cpu_fields BEFORE AFTER: CPU per request between two usage readings, as result fields.
cpu_fields() {
  local c0 l0 n0 c1 l1 n1
  read -r c0 l0 n0 <<<"$1"
  read -r c1 l1 n1 <<<"$2"
  echo "cpu_us=$(per_request_us $((c1 - c0)) $((n1 - n0))) loops_cpu_us=$(per_request_us $((l1 - l0)) $((n1 - n0)))"
}

# Warm-up, not measured: both JIT compilers need traffic before their code is steady (see
# benchmarks/sidecar/run.sh, WARMUP).
for _ in 1 2; do
  for port in "$STUB_PORT" "$NGINX_PORT" "$A_PORT" "$B_PORT"; do
    wrk -t2 -c16 -d5s -s "$work/post.lua" "$(url "$port")" >/dev/null
  done
  java -Xmx256m "$client" "$all" "$work/body.json" "$RATE" 20 0 16 "$SLICE_MS" >/dev/null
done

: >"$work/results"
for round in $(seq "$ROUNDS"); do
  a0=$(usage "$a_pid" "$A_ADMIN"); b0=$(usage "$b_pid" "$B_ADMIN")
  lines=$(java -Xmx256m "$client" "$all" "$work/body.json" "$RATE" "$((4 * SECONDS_PER_RUN))" "$WARMUP" 16 "$SLICE_MS")
  cpu_a=$(cpu_fields "$a0" "$(usage "$a_pid" "$A_ADMIN")"); cpu_b=$(cpu_fields "$b0" "$(usage "$b_pid" "$B_ADMIN")")
  for t in direct nginx A B; do
    line=$(grep "^target=$t " <<<"$lines" | cut -d' ' -f2-)
    case "$t" in A) line="$line $cpu_a" ;; B) line="$line $cpu_b" ;; esac
    echo "round $round $t: $line"
    echo "$round $t $line" >>"$work/results"
  done
  grep "^turns " <<<"$lines" | sed "s/^/round $round /" || true
done

echo
awk "$STATS_AWK"'
{ p50[$1, $2] = val($0, "p50_us"); p99[$1, $2] = val($0, "p99_us"); cpu[$1, $2] = val($0, "cpu_us"); loops[$1, $2] = val($0, "loops_cpu_us"); if ($1 > n) n = $1 }
{ s50[$1, $2] = val($0, "send_p50_us"); s99[$1, $2] = val($0, "send_p99_us") }
END {
  split("nginx A B", ts, " ")
  for (i = 1; i <= 3; i++) {
    t = ts[i]; per = ""
    for (r = 1; r <= n; r++) { a50[r] = p50[r, t] - p50[r, "direct"]; a99[r] = p99[r, t] - p99[r, "direct"]; c[r] = cpu[r, t] + 0; l[r] = loops[r, t] + 0; per = per sprintf(" %.0f", a99[r]) }
    m50[t] = median(a50, n); m99[t] = median(a99, n)
    printf "%-6s added p50 %6.1f us  added p99 %6.1f us (rounds:%s)", t, m50[t], m99[t], per
    if (t != "nginx") printf "  CPU per request %.1f us, of which its event loops %.1f", median(c, n), median(l, n)
    printf "\n"
  }
  # The same from when the client sent each request (see FixedRateClient): its own lateness left out.
  for (i = 1; i <= 3; i++) {
    t = ts[i]; per = ""
    for (r = 1; r <= n; r++) { a50[r] = s50[r, t] - s50[r, "direct"]; a99[r] = s99[r, t] - s99[r, "direct"]; per = per sprintf(" %.0f", a99[r]) }
    printf "%-6s from send: added p50 %6.1f us  added p99 %6.1f us (rounds:%s)\n", t, median(a50, n), median(a99, n), per
  }
  below = 0; sbelow = 0
  for (r = 1; r <= n; r++) { below += p99[r, "B"] + 0 < p99[r, "A"] + 0; sbelow += s99[r, "B"] + 0 < s99[r, "A"] + 0 }
  printf "from send: B below A in %d of %d rounds\n", sbelow, n
  if (m99["nginx"] > 0) printf "against nginx: added_p99_ratio A %.2f, B %.2f\n", m99["A"] / m99["nginx"], m99["B"] / m99["nginx"]
  x99 = m99["A"] > 0 ? m99["B"] / m99["A"] : 0
  x50 = m50["A"] > 0 ? m50["B"] / m50["A"] : 0
  printf "sidecar_b_vs_a added_p99_ratio=%.2f added_p50_ratio=%.2f b_below_a=%d/%d\n", x99, x50, below, n
}' "$work/results"
