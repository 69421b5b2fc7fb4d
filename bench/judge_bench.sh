#!/usr/bin/env bash
# Benchmark of the LLM judge's event loop (issue 3, figures in docs/PERFORMANCE.md): the loopback
# judge server answers every call after LATENCY ms; `arbiter run` judges N traces with
# max_in_flight IN_FLIGHT, first against the server (fresh cache), then again from the cache.
# Prints judgments/s against the ideal IN_FLIGHT * 1000 / LATENCY, the runner's CPU use (user +
# system over wall time, in % of one core) and the requests the cached run made.
#
#   bench/judge_bench.sh [BUILD_DIR] [REPEAT] [N] [IN_FLIGHT] [LATENCY]
#                         (defaults: build-release, 3, 2000, 64, 200)
#
# Build first: cmake --preset release && cmake --build build-release -j2 \
#   --target arbiter arbiter_judge_server_bin
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
repeat=${2:-3}
n=${3:-2000}
in_flight=${4:-64}
latency=${5:-200}
arbiter=$build/runner/arbiter
server_bin=$build/tests/judge_server/arbiter_judge_server
[[ -x $arbiter && -x $server_bin ]] || { echo "build $build first (see the header)" >&2; exit 2; }
work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --latency-ms "$latency" --threads $((in_flight * 2)) --port-file "$work/port" \
  > "$work/server.log" &
server_pid=$!
for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
port=$(cat "$work/port")
requests() { curl -s "http://127.0.0.1:$port/stats" | sed 's/.*"requests":\([0-9]*\).*/\1/'; }

# N distinct traces (distinct prompts, so no answer is shared).
for ((i = 0; i < n; i++)); do
  printf '{"trace_id":"b-%06d","input":"Where is order %d?","output":"Order %d ships tomorrow."}\n' \
    "$i" "$i" "$i"
done > "$work/traces.jsonl"
printf -- '---\nid: bench\nversion: 1\nscale: binary\n---\nQ: {{input}}\nA: {{output}}\n' \
  > "$work/rubric.md"
cat > "$work/judge.yaml" <<YAML
id: bench-judge
version: 1
plugin: llm_judge
params: { provider: openai, base_url: 'http://127.0.0.1:$port/v1', model: loopback,
          rubric: rubric.md, max_in_flight: $in_flight }
YAML
printf 'name: judge-bench\nevaluators: [judge.yaml]\n' > "$work/suite.yaml"

ideal=$(awk -v f="$in_flight" -v l="$latency" 'BEGIN {print f * 1000 / l}')
echo "$n judgments, max_in_flight $in_flight, latency $latency ms: ideal $ideal judgments/s;" \
  "$(nproc) cores" >&2
printf '%-8s %9s %13s %8s %9s %9s\n' run seconds judgments/s ideal% cpu%core requests
for kind in server cached; do
  walls=(); cpus=(); reqs=()
  for ((r = 0; r < repeat; r++)); do
    [[ $kind == server ]] && rm -rf "$work/cache"
    [[ $kind == cached && ! -d $work/cache ]] && \
      "$arbiter" run --quiet --suite "$work/suite.yaml" --traces "$work/traces.jsonl" \
        --out "$work/out" --cache "$work/cache" 2>/dev/null
    before=$(requests)
    out=$(/usr/bin/time -f '%e %U %S' "$arbiter" run --quiet --suite "$work/suite.yaml" \
            --traces "$work/traces.jsonl" --out "$work/out" --cache "$work/cache" 2>&1 >/dev/null |
          tail -n 1)
    read -r wall user sys <<< "$out"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" -v w="$wall" 'BEGIN {print 100 * (u + s) / w}')")
    reqs+=($(($(requests) - before)))
    errors=$(grep -c '"error": "' "$work/out/scores.jsonl" || true)
    [[ $errors == 0 ]] || echo "warning: $errors error rows" >&2
  done
  w=$(printf '%s\n' "${walls[@]}" | median)
  c=$(printf '%s\n' "${cpus[@]}" | median)
  q=$(printf '%s\n' "${reqs[@]}" | median)
  awk -v k="$kind" -v n="$n" -v w="$w" -v c="$c" -v q="$q" -v i="$ideal" \
    'BEGIN {printf "%-8s %9.2f %13.0f %8.1f %9.1f %9d\n", k, w, n / w, 100 * n / w / i, c, q}'
done
