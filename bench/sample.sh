#!/usr/bin/env bash
# Benchmark of `arbiter sample` on a stream (issue: sampling and triage; targets and figures in
# docs/PERFORMANCE.md): COUNT demo traces (~2.5 KB each) piped into `arbiter sample --traces -`
# by bench/trace_stream, REPEAT times; prints the median wall time, traces/s and peak RSS of
# the sampler. Memory must not grow with the stream: run it with 1,000,000 and 10,000,000.
# DROP (a comma-separated list of top-level fields) streams compact traces without them, e.g.
# messages,retrieved_documents,tool_calls,output (about 0.5 KB a trace instead of 2.5 KB).
#
#   bench/sample.sh [BUILD_DIR] [COUNT] [REPEAT] [DROP]   (default build-release, 10000000, 3)
#
# Build first: cmake --preset release && cmake --build build-release -j2
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
count=${2:-10000000}
repeat=${3:-3}
drop=${4:-}
work=bench/out
mkdir -p "$work"
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
stream=$build/bench/trace_stream
[[ -x $arbiter && -x $gen && -x $stream ]] || { echo "build $build first (see the header)" >&2; exit 2; }

# 10,000 distinct traces to cycle through: few enough that the stream starts at once.
seed=$work/traces-10k.jsonl
demo_traces "$gen" "$seed" 10000
policy=$work/sample-bench-policy.yaml
cat > "$policy" <<'POLICY'
strata: [metadata.intent, {latency_ms: [0, 1000, 5000]}]
targets: {half_width: 0.1, expected_rate: 0.2, budget: 1500}
failure: {any: ["status == 'error'", "feedback.thumbs == 'down'", "metadata.escalated == true"]}
failure_multiplier: 4
POLICY

stream_args=(--from "$seed" --count "$count")
[[ -n $drop ]] && stream_args+=(--drop "$drop")
bytes=$("$stream" --from "$seed" --count 10000 ${drop:+--drop "$drop"} | wc -c)
echo "stream: $count traces cycled from $seed, $((bytes / 10000)) bytes each on average${drop:+ (without $drop)}; $(nproc) cores; $(uptime)" >&2
times=(); rss=(); cpu=()
for ((i = 0; i < repeat; i++)); do
  out=$( { "$stream" "${stream_args[@]}" |
           /usr/bin/time -f '%e %M %U %S' "$arbiter" sample --policy "$policy" --traces - \
             --out "$work/sample.jsonl" --seed "$i" 2>&1 >/dev/null; } | tail -n 1)
  read -r wall kb user sys <<< "$out"
  times+=("$wall"); rss+=("$kb"); cpu+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
done
t=$(printf '%s\n' "${times[@]}" | median)
m=$(printf '%s\n' "${rss[@]}" | median)
c=$(printf '%s\n' "${cpu[@]}" | median)
# cpu_s: the sampler's own user + system time (the stream's writer runs on the other core).
printf '%-10s %10s %12s %10s %14s %12s\n' traces seconds traces/s cpu_s traces/cpu_s peak_rss_mb
awk -v n="$count" -v t="$t" -v m="$m" -v c="$c" \
  'BEGIN {printf "%-10s %10.2f %12.0f %10.2f %14.0f %12.1f\n", n, t, n / t, c, n / c, m / 1024}'
echo "sampled: $(wc -l < "$work/sample.jsonl") traces" >&2
