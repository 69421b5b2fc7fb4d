#!/usr/bin/env bash
# Sustained OTLP/HTTP protobuf ingest into `arbiter serve` (issue 13; figures in
# docs/PERFORMANCE.md "serve"): bench/serve_load posts requests of TRACES_PER_REQUEST traces x 3
# spans (an agent root, an LLM span, a tool span; fresh trace ids) over THREADS kept-alive
# connections for SECONDS, with assembly, 1-minute windows, sampling and triage on. Prints the load
# generator's spans/s and latency percentiles, and serve's resident memory sampled every 10 s (the
# first and last minute's peak, and every sample: flat means bounded). Run once with the journal
# on the build's disk and once on tmpfs (/dev/shm), whose fdatasync is free: the difference is
# what durability costs.
#
#   bench/serve.sh [SECONDS] [BUILD_DIR] [THREADS] [TMPFS_SECONDS]   (default 600, build, 4,
#                                                                       SECONDS)
#   LATE_WINDOW=10s bench/serve.sh ...   (default 2m; each window's journal cut rewrites what
#                                         arrived in its late window, late/window of the traffic)
#   TRACES_PER_REQUEST=170 bench/serve.sh ...   (default 10, 30 spans a request; 170 is 510
#                                         spans, near the 512 of the SDKs' batch span processor)
#
# Build first: cmake --build build -j2 --target arbiter serve_load
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
build=${2:-build}
threads=${3:-4}
tmpfs_seconds=${4:-$seconds}
late_window=${LATE_WINDOW:-2m}
traces_per_request=${TRACES_PER_REQUEST:-10}
arbiter=$build/runner/arbiter
load=$build/bench/serve_load
[[ -x $arbiter && -x $load ]] || { echo "build $build first (see the header)" >&2; exit 2; }
echo "$(nproc) cores; $(uptime)" >&2

# serve_once LABEL OUT_DIR SECONDS: one run; prints a result line.
serve_once() {
  local label=$1 out=$2 seconds=$3 log=$2.log
  rm -rf "$out"
  # The quiet period is short so that traces in flight stay below the bound at this rate; the
  # late window (how long completed trace ids are remembered) is 2 minutes by default so that
  # memory reaches its plateau well within a 10-minute run (at the default 10 minutes it would
  # grow to the end).
  "$arbiter" serve --out "$out" --port 0 --grpc -1 --window 1m --quiet-period 1s \
    --late-window "$late_window" \
    --max-inflight-traces 200000 --policy datasets/demo/sample-policy.yaml 2> "$log" &
  local pid=$! port=""
  for _ in $(seq 100); do
    port=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 | grep -o '[0-9]*$' || true)
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { cat "$log" >&2; kill "$pid"; return 1; }
  local rss_log=$out.rss
  (while kill -0 "$pid" 2> /dev/null; do
     awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null || true
     sleep 10
   done) > "$rss_log" &
  local sampler=$!
  local result cpu_before cpu_after
  cpu_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  # Failed requests are counted in the result line, so a failing load generator does not stop here.
  result=$("$load" "$port" "$seconds" "$threads" "$traces_per_request" 3 || true)
  cpu_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill -TERM "$pid"
  wait "$pid" || true
  kill "$sampler" 2> /dev/null || true
  local first last
  first=$(head -6 "$rss_log" | sort -n | tail -1)
  last=$(tail -6 "$rss_log" | sort -n | tail -1)
  local windows
  windows=$({ find "$out/samples" -name "*.plan.json" 2> /dev/null || true; } | wc -l)
  echo "$label: $result serve_cpu_s $(((cpu_after - cpu_before) / $(getconf CLK_TCK))) \
rss_first_min_kb $first rss_last_min_kb $last windows $windows rss_mb_every_10s \
$(awk '{printf "%s%d", (NR > 1 ? "," : ""), $1 / 1024}' "$rss_log")"
}

disk=$build/serve-bench
serve_once "journal on disk" "$disk" "$seconds"
shm=$(mktemp -d /dev/shm/arbiter-serve-bench.XXXXXX)
trap 'rm -rf "$shm"' EXIT
serve_once "journal on tmpfs" "$shm/out" "$tmpfs_seconds"
