#!/usr/bin/env bash
# Shards and their merge (issue 18): the 1,000,000-trace benchmark input (bench/e2e.sh's, made
# once with arbiter-gen-demo) scored as one run and as 4 shards (`run --shard I/4`, one after the
# other on this machine), then `arbiter merge` of the 4; prints each shard's wall time, the merge's
# (median of REPEAT) and whether the merged outputs are byte-identical to the one run's.
#
#   bench/scale.sh [BUILD_DIR] [REPEAT] [SUITE]      (default build-release, 3, demo-no-lua)
#
# Build first: cmake --preset release && cmake --build build-release -j2
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
repeat=${2:-3}
suite=evaluators/suites/${3:-demo-no-lua}.yaml
work=bench/out
mkdir -p "$work"
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first (see the header)" >&2; exit 2; }
big=$work/traces-1m.jsonl
demo_traces "$gen" "$big" 1000000
echo "input: $(wc -c < "$big") bytes, $(wc -l < "$big") traces; $(nproc) cores; suite $suite" >&2

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; echo "$EPOCHREALTIME - $start" | bc; }

whole=$(seconds "$arbiter" run -q -s "$suite" -t "$big" -o "$work/scale-whole")
printf '%-14s %8.2f s\n' "one run" "$whole"
for i in 0 1 2 3; do
  t=$(seconds "$arbiter" run -q -s "$suite" -t "$big" -o "$work/scale-shard-$i" --shard "$i/4")
  printf '%-14s %8.2f s\n' "shard $i/4" "$t"
done
times=()
for ((r = 0; r < repeat; r++)); do
  rm -rf "$work/scale-merged"
  times+=("$(seconds "$arbiter" merge "$work"/scale-shard-{0,1,2,3} -o "$work/scale-merged")")
done
printf '%-14s %8.2f s (median of %d; %s)\n' "merge of 4" "$(printf '%s\n' "${times[@]}" | median)" \
  "$repeat" "$(du -sh "$work/scale-merged/scores.jsonl" | cut -f1) of scores.jsonl"
identical=yes
for file in scores.jsonl scorecard.json scorecard.md trace_errors.jsonl; do
  cmp -s "$work/scale-merged/$file" "$work/scale-whole/$file" || { identical=no; echo "differs: $file" >&2; }
done
echo "byte-identical to one run: $identical"
[[ $identical == yes ]]
