#!/usr/bin/env bash
# How `arbiter run` and `arbiter triage` scale with cores (issue 18): the demo suite without Lua
# (demo-no-lua) and with it (demo), and triage's queue, over TRACES demo traces (seed 7, from the
# page cache) at each thread count, REPEAT times each. Prints the median wall time, traces/s and
# the speedup over the first thread count, checks that every thread count wrote the same bytes
# (scores.jsonl and scorecard.json; triage's queue), then prints `run --stage-times` of
# demo-no-lua at the largest thread count.
#
#   bench/cores.sh [BUILD_DIR] [TRACES] [REPEAT] [THREADS...]
#                  (default build-release, 1000000, 3, and 1 2 4 8 16 up to the number of cores)
#
# Build first: cmake --preset release && cmake --build build-release -j2 --target arbiter arbiter-gen-demo
# On a machine without this project's libraries (a lent 16-core machine): bench/bundle.sh
# build-release bench/out/bundle here, carry bench/out/bundle, and give it as BUILD_DIR there.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
count=${2:-1000000}
repeat=${3:-3}
shift 3 || shift $#
threads=("$@")
if ((${#threads[@]} == 0)); then
  for t in 1 2 4 8 16; do ((t <= $(nproc))) && threads+=("$t"); done
fi
[[ -d $build/lib ]] && export LD_LIBRARY_PATH=$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first (see the header)" >&2; exit 2; }
work=bench/out
mkdir -p "$work"
input=$work/traces-$count.jsonl
demo_traces "$gen" "$input" "$count"
cat "$input" > /dev/null  # into the page cache
echo "input: $(wc -c < "$input") bytes, $count traces; $(nproc) cores; $build; $(uptime)" >&2

# wall COMMAND...: runs it, output discarded, and prints its wall seconds.
wall() {
  local start=$EPOCHREALTIME
  "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f\n", b - a}'
}

# measure NAME OUTPUT_FILES COMMAND_WITH_@T@: one table, a row per thread count.
measure() {
  local name=$1 files=$2 base="" first=""
  shift 2
  printf '%-12s %7s %9s %12s %8s %s\n' "$name" threads wall_s traces/s speedup same_bytes
  for t in "${threads[@]}"; do
    local times=() cmd=("${@//@T@/$t}")
    for ((r = 0; r < repeat; r++)); do times+=("$(wall "${cmd[@]}")"); done
    local median sums same=yes
    median=$(printf '%s\n' "${times[@]}" | median)
    # shellcheck disable=SC2086  # the file list is a list
    sums=$(cat $files | sha256sum)
    [[ -z $first ]] && first=$sums
    [[ $sums == "$first" ]] || same=NO
    [[ -z $base ]] && base=$median
    awk -v n="$name" -v t="$t" -v s="$median" -v c="$count" -v b="$base" -v same="$same" \
      'BEGIN {printf "%-12s %7d %9.2f %12.0f %8.2f %s\n", n, t, s, c / s, b / s, same}'
  done
}

for suite in demo-no-lua demo; do
  measure "$suite" "$work/cores-run/scores.jsonl $work/cores-run/scorecard.json" \
    "$arbiter" run -q -j @T@ -s "evaluators/suites/$suite.yaml" -t "$input" -o "$work/cores-run"
done
measure triage "$work/cores-queue.jsonl" \
  "$arbiter" triage --threads @T@ --top 100 --traces "$input" --out "$work/cores-queue.jsonl"

last=${threads[${#threads[@]} - 1]}
echo "== run --stage-times, demo-no-lua, $last threads"
"$arbiter" run -q -j "$last" --stage-times -s evaluators/suites/demo-no-lua.yaml -t "$input" \
  -o "$work/cores-run" 2>&1 >/dev/null | sed -n '/^stage times/,$p'
