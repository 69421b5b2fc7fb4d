#!/usr/bin/env bash
# Benchmark of `arbiter generate` (issue 14; figures in docs/PERFORMANCE.md): 1,000 labels over
# 100,000 demo traces. The traces (seed 7) and their ground truth are generated once; the labels
# are 100 per failure mode for the ten demo modes (half failing, half clean traces, or all the
# failures there are), taken from the ground truth spread over the whole file, imported as the
# label set bench-generate@v1. Runs generate REPEAT times; prints the median wall time and
# peak RSS.
#
#   bench/generate.sh [BUILD_DIR] [REPEAT]      (default build-release, 3)
#
# Build first: cmake --preset release && cmake --build build-release -j2 --target arbiter arbiter-gen-demo
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
build=${1:-build-release}
repeat=${2:-3}
work=bench/out/generate
mkdir -p "$work"
arbiter=$build/runner/arbiter
gen=$build/datasets/demo/arbiter-gen-demo
[[ -x $arbiter && -x $gen ]] || { echo "build $build first (see the header)" >&2; exit 2; }

traces=$work/traces-100k.jsonl
if [[ ! -s $traces || ! -s $work/truth.jsonl ]]; then
  echo "generating $traces" >&2
  "$gen" --count 100000 --seed 7 --out "$traces" --truth "$work/truth.jsonl"
fi
if [[ ! -d $work/labels/bench-generate/v1 ]]; then
  python3 - "$work/truth.jsonl" "$work/labels.csv" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
modes = sorted({m for r in rows for m in r["injected"]})
clean = [r["trace_id"] for r in rows if not r["injected"]]
with open(sys.argv[2], "w") as out:
    out.write("trace_id,failure_mode,label\n")
    total = 0
    for k, mode in enumerate(modes):
        fails = [r["trace_id"] for r in rows if mode in r["injected"]]
        fails = fails[:: max(1, len(fails) // 50)][:50]
        passes = clean[k::len(modes) * 7][: 100 - len(fails)]
        for t in fails:
            out.write(f"{t},{mode},fail\n")
        for t in passes:
            out.write(f"{t},{mode},pass\n")
        total += len(fails) + len(passes)
print(f"{total} labels over {len(modes)} failure modes", file=sys.stderr)
PY
  "$arbiter" labels import --name bench-generate --from "$work/labels.csv" --reviewer bench \
    --created-at 2026-12-05T00:00:00Z --root "$work/labels" >&2
fi
echo "input: $(wc -c < "$traces") bytes, $(wc -l < "$traces") traces; $(nproc) cores; $(uptime)" >&2

times=(); rss=()
for ((i = 0; i < repeat; i++)); do
  /usr/bin/time -v -o "$work/time.txt" "$arbiter" generate --labels bench-generate@v1 \
    --labels-root "$work/labels" --traces "$traces" --out "$work/drafts" \
    > "$work/stdout.txt" 2> "$work/stderr.txt"
  times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
                for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s}' "$work/time.txt")")
  rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")")
done
cat "$work/stdout.txt" "$work/stderr.txt" >&2
t=$(printf '%s\n' "${times[@]}" | median)
m=$(printf '%s\n' "${rss[@]}" | median)
printf '%-8s %-8s %10s %12s\n' labels traces seconds peak_rss_mb
awk -v t="$t" -v m="$m" 'BEGIN {printf "%-8s %-8s %10.2f %12.1f\n", 1000, 100000, t, m / 1024}'
echo "load average after: $(uptime | sed 's/.*load average: //')"
