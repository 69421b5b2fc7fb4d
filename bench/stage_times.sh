#!/usr/bin/env bash
# Per-stage CPU of `arbiter run` (issue 18): how much CPU per trace each serial stage (the
# reader; the in-order consumer) costs beside the workers, from `run --stage-times`. With W
# workers a serial stage above 1/W of the workers' CPU starves them, so the target for 16 cores
# is every serial stage at or under 1/16. Thread CPU time, so a busy 2-core machine still gives
# the ratios. Runs each configuration REPEAT times and prints the run with the median wall time.
#
#   bench/stage_times.sh [BUILD_DIR] [TRACES] [REPEAT] [THREADS]
#                        (default build-release, 200000, 3, 2)
#
# Configurations: demo-no-lua and demo, each with the input hash of 1 MiB chunks (the default,
# hashed on the workers' count of threads) and with the plain SHA-256 (`--input-hash sha256`,
# on the reader's thread, as every run hashed before).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
count=${2:-200000}
repeat=${3:-3}
threads=${4:-2}
work=bench/out
mkdir -p "$work"
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first: cmake --preset release && cmake --build build-release -j2" >&2; exit 2; }
input=$work/traces-$count.jsonl
demo_traces "$gen" "$input" "$count"
echo "input: $(wc -c < "$input") bytes, $count traces; $(nproc) cores; $threads threads; $build" >&2
cat "$input" > /dev/null  # into the page cache

for suite in demo-no-lua demo; do
  for hash in sha256_chunks sha256; do
    runs=()
    for ((r = 0; r < repeat; r++)); do
      "$arbiter" run -q -j "$threads" --stage-times --input-hash "$hash" \
        -s "evaluators/suites/$suite.yaml" -t "$input" -o "$work/stage-times" 2> "$work/stage-$r.txt"
      runs+=("$(grep -o '[0-9.]* s wall' "$work/stage-$r.txt" | cut -d' ' -f1) $r")
    done
    middle=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p" | cut -d' ' -f2)
    echo "== $suite, --input-hash $hash (median of $repeat by wall time)"
    sed -n '/^stage times/,$p' "$work/stage-$middle.txt"
  done
done
