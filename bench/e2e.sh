#!/usr/bin/env bash
# End-to-end benchmark of `arbiter run` (issue: host runtime, target figures in
# docs/PERFORMANCE.md): generates 1,000,000 demo traces (~2 KB each) once, then runs the demo
# suite without and with its Lua evaluators on the first 100,000 and on all 1,000,000 traces,
# REPEAT times each, and prints the median wall time, traces/s and peak RSS.
#
#   bench/e2e.sh [BUILD_DIR] [REPEAT]      (default build-release, 3)
#
# Build first: cmake --preset release && cmake --build build-release -j2
# TIME_BIN: a GNU time other than /usr/bin/time (for a machine without one).
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
small=$work/traces-100k.jsonl
[[ -s $small ]] || head -n 100000 "$big" > "$small"
echo "input: $(wc -c < "$big") bytes, $(wc -l < "$big") traces; $(nproc) cores" >&2


printf '%-12s %-8s %10s %12s %12s\n' suite traces seconds traces/s peak_rss_mb
for suite in demo-no-lua demo; do
  for input in "$small" "$big"; do
    n=$(wc -l < "$input")
    times=(); rss=()
    for ((i = 0; i < repeat; i++)); do
      out=$("${TIME_BIN:-/usr/bin/time}" -f '%e %M' "$arbiter" run --quiet --suite "evaluators/suites/$suite.yaml" \
              --traces "$input" --out "$work/run-$suite" 2>&1 >/dev/null | tail -n 1)
      times+=("${out% *}"); rss+=("${out#* }")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    m=$(printf '%s\n' "${rss[@]}" | median)
    awk -v s="$suite" -v n="$n" -v t="$t" -v m="$m" \
      'BEGIN {printf "%-12s %-8s %10.2f %12.0f %12.1f\n", s, n, t, n / t, m / 1024}'
  done
done
