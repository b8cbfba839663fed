# Shared by benchmarks/sidecar/run.sh and benchmarks/sidecar-ab/run.sh (sourced, not run): the
# workload and the servers both measure. Expects $NGINX and $STUB_PORT; make_work sets $work.

# make_work NAME: a scratch directory, $work; on exit the processes in $pids and the two nginx
# daemons are stopped and the directory removed.
make_work() {
  work="$(mktemp -d -t "driftwatch-bench-$1.XXXXXX")"
  pids=()
  trap cleanup EXIT
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/stub.pid" ] && kill "$(cat "$work/stub.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}

# The stub model server's answer: a fixed KServe v2 response.
STUB_RESPONSE='{"model_name":"bench","model_version":"1","id":"bench","outputs":[{"name":"probability","shape":[1],"datatype":"FP32","data":[0.25]}]}'
# The request path of the workload.
INFER_PATH="/v2/models/bench/infer"

# write_body FILE: the 1 KB request body, 16 numeric features as named KServe v2 tensors.
write_body() {
  /usr/bin/env python3 - "$1" <<'PY'
import json, sys
inputs = [{"name": "f%02d" % i, "shape": [1], "datatype": "FP64", "data": [round(0.123456789 * i, 9)]} for i in range(16)]
body = json.dumps({"id": "bench", "inputs": inputs}, separators=(",", ":"))
open(sys.argv[1], "w").write(body)
PY
}

# write_post_lua FILE BODY_FILE: wrk's script that POSTs the body.
write_post_lua() {
  cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$2"); wrk.body = f:read("*a"); f:close()
LUA
}

# nginx_conf NAME PORT WORKERS SERVER-BODY: writes $work/NAME.conf and starts an nginx daemon on
# 127.0.0.1:PORT with it (its pid in $work/NAME.pid), with an upstream "stub" to the stub server.
nginx_conf() {
  mkdir -p "$work/$1"
  cat >"$work/$1.conf" <<CONF
worker_processes $3;
pid $work/$1.pid;
error_log $work/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$1; proxy_temp_path $work/$1; fastcgi_temp_path $work/$1;
  uwsgi_temp_path $work/$1; scgi_temp_path $work/$1;
  keepalive_requests 1000000;
  upstream stub { server 127.0.0.1:$STUB_PORT; keepalive 128; }
  server { listen 127.0.0.1:$2; $4 }
}
CONF
  "$NGINX" -c "$work/$1.conf" -p "$work/$1"
}

# start_stub_and_nginx NGINX_PORT: the stub model server on $STUB_PORT (nginx, one worker,
# answering STUB_RESPONSE) and nginx proxy_pass in front of it on NGINX_PORT (two workers,
# keep-alive upstream), as in production.
start_stub_and_nginx() {
  nginx_conf stub "$STUB_PORT" 1 "location / { default_type application/json; client_body_buffer_size 16k; return 200 '$STUB_RESPONSE'; }"
  nginx_conf proxy "$1" 2 "location / { proxy_pass http://stub; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering on; }"
}

# CPU time, read from /proc: clock ticks per second.
clock_hz=$(getconf CLK_TCK)
# CPU time in the /proc stat files given, of processes or threads: "user system", in clock ticks.
stat_ticks() {
  local u=0 y=0 s f
  for s in "$@"; do
    # Fields 14 and 15 (the name, field 2, has no spaces in the processes and threads read here).
    read -ra f <"$s" || continue
    u=$((u + f[13])); y=$((y + f[14]))
  done
  echo "$u $y"
}
# CPU time of the processes given, all their threads.
cpu_ticks() {
  local p files=()
  for p in "$@"; do files+=("/proc/$p/stat"); done
  stat_ticks ${files[@]+"${files[@]}"}
}
# loop_ticks PID: CPU time of a sidecar's proxy event loops alone (threads driftwatch-proxy-*),
# user and system together, in clock ticks.
loop_ticks() {
  local t u y files=()
  for t in /proc/"$1"/task/*; do
    [[ "$(cat "$t/comm" 2>/dev/null)" == driftwatch-prox* ]] && files+=("$t/stat")
  done
  read -r u y <<<"$(stat_ticks ${files[@]+"${files[@]}"})"
  echo $((u + y))
}
# per_request_us TICKS REQUESTS [DECIMALS (1)]: CPU time per request in µs.
per_request_us() { awk -v t="$1" -v n="$2" -v d="${3:-1}" -v hz="$clock_hz" 'BEGIN { printf "%." d "f", n ? t * 1e6 / hz / n : 0 }'; }

# start_broker JAR PORT: the embedded Kafka broker, waited for; sets broker_pid. It stands for a
# Kafka cluster on other machines and runs in a session of its own, as the servers here all do (see
# start_sidecar): in the load generators' scheduling group, the work the sidecar's records give it
# (only during the sidecar's turns) would delay the client itself, which then counts the delay
# against the sidecar.
start_broker() {
  setsid java -Xmx2g -jar "$1" broker --port "$2" >"$work/broker.log" 2>&1 &
  broker_pid=$!
  pids+=("$broker_pid")
  for _ in $(seq 60); do grep -q "ready at" "$work/broker.log" && break; sleep 1; done
  grep -q "ready at" "$work/broker.log" || { cat "$work/broker.log" >&2; echo "broker did not start" >&2; exit 3; }
}

# start_sidecar NAME JAR JAVA_OPTS PORT ADMIN_PORT BROKER_PORT [SETTING=VALUE...]: a sidecar in
# front of the stub, capturing to the broker, logging to $work/NAME.log, waited for; sets
# sidecar_pid. In a session of its own, as the nginx daemons are (they detach into their own):
# with the kernel's autogroups a session is a scheduling group, and the sidecar would otherwise
# share one with the load generators, as no proxy does in production.
start_sidecar() {
  local name="$1" jar="$2" opts="$3" port="$4" admin="$5" broker="$6" kv sets=()
  shift 6
  for kv in "$@"; do sets+=(--set "$kv"); done
  # shellcheck disable=SC2086 # the JVM options are words
  setsid java $opts -jar "$jar" sidecar --upstream "http://127.0.0.1:$STUB_PORT" --listen "127.0.0.1:$port" \
    --admin-listen "127.0.0.1:$admin" --kafka "127.0.0.1:$broker" --set readiness.probe.interval.ms=0 ${sets[@]+"${sets[@]}"} \
    >"$work/$name.log" 2>&1 &
  sidecar_pid=$!
  pids+=("$sidecar_pid")
  for _ in $(seq 30); do curl -sf "http://127.0.0.1:$admin/healthz/live" >/dev/null && break; sleep 1; done
  grep -o "proxy on .*) " "$work/$name.log" | sed "s/^/$name: /" || { cat "$work/$name.log" >&2; echo "$name did not start" >&2; exit 3; }
}

# counters ADMIN_PORT: a sidecar's counters so far, from one scrape of its /metrics:
#   shed  exchanges dropped with reason queue_full: its capture worker runs only on CPU the proxy
#         leaves (capture.cpu.priority=idle), so under saturation its bounded queue fills and what
#         overflows is counted. Each phase reports its share, beside its requests.
#   n, within 0.5 ms, within 1 ms  its own latency histogram, from the request head read to the
#         response's last byte written (the model's time included). Beside the client's view it
#         tells the time spent in the proxy from the time before it saw the request.
counters() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '
    /^driftwatch_sidecar_records_dropped_total\{reason="queue_full"\}/ { s = $2 }
    /^driftwatch_sidecar_request_duration_seconds_bucket\{le="5.0E-4"\}/ { a = $2 }
    /^driftwatch_sidecar_request_duration_seconds_bucket\{le="0.001"\}/ { b = $2 }
    /^driftwatch_sidecar_request_duration_seconds_count / { c = $2 }
    END { printf "%d %d %d %d", s + 0, c + 0, a + 0, b + 0 }'
}

# The awk functions both summaries use: val(LINE, KEY), the value of KEY=VALUE in a line of
# results; median(ARRAY, N) of ARRAY[1..N]. Put before a summary's own program.
STATS_AWK='
function val(s, k,   i, n, a) { n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2); return "" }
function median(arr, n,   i, j, t, s) { for (i = 1; i <= n; i++) s[i] = arr[i]; for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t } return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2 }
'
