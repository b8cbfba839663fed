#!/usr/bin/env bash
# benchmarks/run stream [N] — the monitor job with every analysis on versus a plain Kafka consumer
# of the same topic, on the embedded stack, in one invocation (default N = 1 000 000 records).
# The empty-topic job and the job run in turn RUNS times (default 3) over the same records; for
# each run it prints the gross rate (wall time incl. start-up and the final-checkpoint wait) and the
# net rate (N / (job time - empty-topic run time), steady state), then the spread. Last line, from
# the median net rate:
# stream_vs_raw_consume ratio=X records_per_s=Y
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
"$root/driftwatch" --version >/dev/null   # builds the jar if needed
cp="$root/cli/target/driftwatch.jar:$root/cli/target/lib/*"
exec java -Xmx3g -cp "$cp" -Dlog4j2.level=ERROR -Druns="${RUNS:-3}" "$here/StreamBenchmark.java" "${1:-1000000}" 2> >(grep -v -E '^\s*$|WARN|INFO' >&2)
