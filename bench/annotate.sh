#!/usr/bin/env bash
# Benchmark of `arbiter annotate` (issue 17; figures in docs/PERFORMANCE.md): on a queue of
# 100,000 demo traces (generated once and reused), the time from starting the server to its URL
# (the queue indexed, the label set and draft opened), REPEAT times, and the time to serve a
# trace (GET /api/traces/I through curl, 200 random indexes), with medians and the 95th
# percentile.
#
#   bench/annotate.sh [BUILD_DIR] [REPEAT]      (default build-release, 5)
#
# Build first: cmake --preset release && cmake --build build-release -j2 --target arbiter arbiter-gen-demo
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
repeat=${2:-5}
work=bench/out
mkdir -p "$work"
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first (see the header)" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }

queue=$work/traces-100k.jsonl
demo_traces "$gen" "$queue" 100000
n=$(wc -l < "$queue")
echo "queue: $(wc -c < "$queue") bytes, $n traces; $(nproc) cores; $(uptime)" >&2
cat "$queue" > /dev/null  # in the page cache, as a queue just written by triage is

# start_server: starts the server in the background; sets pid, url and open_ms (from the start
# to the URL on its stdout, read as it is printed: no polling).
start_server() {
  rm -rf "$work/annotate-labels"
  local t0
  t0=$(date +%s%N)
  exec {server_out}< <(exec "$arbiter" annotate --queue "$queue" --labels bench --reviewer bench \
    --root "$work/annotate-labels" --port 0 2> "$work/annotate-stderr.txt")
  pid=$!
  read -r url <&"$server_out" || { cat "$work/annotate-stderr.txt" >&2; exit 3; }
  open_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_server() {
  kill "$pid" 2>/dev/null || true
  exec {server_out}<&-
  sleep 0.2
}

opens=()
for ((i = 0; i < repeat; i++)); do
  start_server
  opens+=("$open_ms")
  stop_server
done

start_server
base=${url%%/\?token=*}
token=${url##*token=}
serves=()
for ((i = 0; i < 200; i++)); do
  index=$(( (RANDOM * 32768 + RANDOM) % n ))
  s=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$base/api/traces/$index")
  serves+=("$(awk -v s="$s" 'BEGIN {printf "%.2f", s * 1000}')")
done
stop_server

o=$(printf '%s\n' "${opens[@]}" | median)
s=$(printf '%s\n' "${serves[@]}" | median)
p95=$(printf '%s\n' "${serves[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int(NR*0.95)]}')
printf '%-8s %14s %16s %14s\n' traces open_ms trace_median_ms trace_p95_ms
printf '%-8s %14s %16s %14s\n' "$n" "$o" "$s" "$p95"
echo "load average after: $(uptime | sed 's/.*load average: //')"
