#!/usr/bin/env bash
# Benchmark of `arbiter triage` (issue: the anomaly queue; figures in docs/PERFORMANCE.md):
# triages 1,000,000 demo traces (generated once, as bench/e2e.sh does, and reused) with
# --top 100, REPEAT times, and prints the median wall time and peak RSS.
#
#   bench/triage.sh [BUILD_DIR] [REPEAT]      (default build-release, 3)
#
# Build first: cmake --preset release && cmake --build build-release -j2 --target arbiter arbiter-gen-demo
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
repeat=${2:-3}
work=bench/out
mkdir -p "$work"
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first (see the header)" >&2; exit 2; }

big=$work/traces-1m.jsonl
demo_traces "$gen" "$big" 1000000
n=$(wc -l < "$big")
echo "input: $(wc -c < "$big") bytes, $n traces; $(nproc) cores; $(uptime)" >&2


times=(); rss=()
for ((i = 0; i < repeat; i++)); do
  /usr/bin/time -v -o "$work/triage-time.txt" "$arbiter" triage --traces "$big" --top 100 \
    --out "$work/triage-queue.jsonl" 2> "$work/triage-stderr.txt"
  times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
                for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s}' "$work/triage-time.txt")")
  rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/triage-time.txt")")
done
cat "$work/triage-stderr.txt" >&2
t=$(printf '%s\n' "${times[@]}" | median)
m=$(printf '%s\n' "${rss[@]}" | median)
printf '%-8s %10s %12s %12s\n' traces seconds traces/s peak_rss_mb
awk -v n="$n" -v t="$t" -v m="$m" 'BEGIN {printf "%-8s %10.2f %12.0f %12.1f\n", n, t, n / t, m / 1024}'
echo "load average after: $(uptime | sed 's/.*load average: //')"
