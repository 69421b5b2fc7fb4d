#!/usr/bin/env bash
# Memory per trace and thread scaling of `arbiter triage` (docs/PERFORMANCE.md, "triage memory
# per trace"): triages 200,000 and 1,000,000 demo traces (seed 7, generated once and reused) with
# --top 100 at --threads 1 and 2, REPEAT times each, and prints the median wall time and peak RSS
# of each, the slope of peak RSS in bytes per trace between the two sizes, and whether the queue
# files are byte-identical across thread counts (and to REFERENCE's, when given).
#
#   bench/triage_memory.sh [BUILD_DIR] [REPEAT] [ARBITER] [REFERENCE]
#     BUILD_DIR  default build-release (arbiter-gen-demo and, without ARBITER, arbiter)
#     REPEAT     default 3
#     ARBITER    another arbiter binary to measure (an older build, for before/after)
#     REFERENCE  an arbiter binary whose queues this one's must equal, byte for byte
#
# Build first: cmake --preset release && cmake --build build-release -j2 --target arbiter arbiter-gen-demo
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
repeat=${2:-3}
arbiter=${3:-$build/runner/arbiter}
reference=${4:-}
work=bench/out
mkdir -p "$work"
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first (see the header)" >&2; exit 2; }

sizes=(200000 1000000)
for n in "${sizes[@]}"; do demo_traces "$gen" "$work/traces-$((n / 1000))k.jsonl" "$n"; done
echo "$arbiter; $(nproc) cores; $(uptime)" >&2

# run FILE THREADS OUT: one triage; prints "seconds rss_kb".
run() {
  /usr/bin/time -v -o "$work/triage-memory-time.txt" "$arbiter" triage --traces "$1" --top 100 \
    --threads "$2" --out "$3" 2> "$work/triage-memory-stderr.txt"
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
                for (k = 1; k <= n; k++) s = s * 60 + p[k]; t = s}
              /Maximum resident set size/ {m = $2} END {print t, m}' "$work/triage-memory-time.txt"
}

declare -A rss
printf '%-8s %8s %10s %12s\n' traces threads seconds peak_rss_mb
for n in "${sizes[@]}"; do
  input=$work/traces-$((n / 1000))k.jsonl
  for threads in 1 2; do
    times=(); kbs=()
    for ((i = 0; i < repeat; i++)); do
      read -r t kb < <(run "$input" "$threads" "$work/triage-memory-$n-$threads.jsonl")
      times+=("$t"); kbs+=("$kb")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    rss[$n,$threads]=$(printf '%s\n' "${kbs[@]}" | median)
    awk -v n="$n" -v th="$threads" -v t="$t" -v m="${rss[$n,$threads]}" \
      'BEGIN {printf "%-8s %8s %10.2f %12.1f\n", n, th, t, m / 1024}'
  done
  cmp -s "$work/triage-memory-$n-1.jsonl" "$work/triage-memory-$n-2.jsonl" &&
    echo "$n traces: the queue is byte-identical at 1 and 2 threads" ||
    echo "$n traces: the queues DIFFER between 1 and 2 threads"
  if [[ -n $reference ]]; then
    "$reference" triage --traces "$input" --top 100 --out "$work/triage-memory-$n-ref.jsonl" 2>/dev/null
    cmp -s "$work/triage-memory-$n-ref.jsonl" "$work/triage-memory-$n-2.jsonl" &&
      echo "$n traces: the queue is byte-identical to the reference's" ||
      echo "$n traces: the queue DIFFERS from the reference's"
  fi
done
for threads in 1 2; do
  awk -v a="${rss[${sizes[0]},$threads]}" -v b="${rss[${sizes[1]},$threads]}" \
    -v na="${sizes[0]}" -v nb="${sizes[1]}" -v th="$threads" \
    'BEGIN {printf "peak RSS slope at %d threads: %.1f bytes per trace\n", th, (b - a) * 1024 / (nb - na)}'
done
echo "load average after: $(uptime | sed 's/.*load average: //')"
