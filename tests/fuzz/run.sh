#!/usr/bin/env bash
# Runs every libFuzzer target built in build-fuzz (the `fuzz` preset) for SECONDS each (default
# 20) on a copy of its seed corpus, JOBS at a time (default: the number of cores). Fails on a
# crash, a sanitizer report, a leak, an input slower than 10 s or one using more than 2 GB;
# the failing input is kept under build-fuzz/findings/NAME/.
#   tests/fuzz/run.sh [SECONDS] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
jobs=${JOBS:-$(nproc)}
names=("$@")
if ((${#names[@]} == 0)); then
  for bin in build-fuzz/tests/fuzz/*_fuzz; do names+=("$(basename "${bin%_fuzz}")"); done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_one() {
  local name=$1 corpus=$work/$1 findings=build-fuzz/findings/$1
  mkdir -p "$corpus" "$findings"
  cp -r "tests/fuzz/corpus/$name/." "$corpus/"
  touch "$work/$name.start"  # inputs found before this run stay in $findings; name only new ones
  if ! build-fuzz/tests/fuzz/"${name}"_fuzz "$corpus" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$PWD/$findings/" -print_final_stats=1 \
      >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; the input is in $findings/" >&2
    # The report from its first line (the stack names the fault; a tail shows only shadow bytes),
    # then the input itself, so a CI log alone reproduces it.
    local first
    first=$(grep -n -m1 -E '^==[0-9]+==|runtime error|terminate called|deadly signal' \
      "$work/$name.log" | cut -d: -f1)
    sed -n "${first:-1},\$p" "$work/$name.log" | head -80 >&2
    for input in "$findings"/*; do
      [[ -f $input && $input -nt $work/$name.start && $(stat -c %s "$input") -le 4096 ]] &&
        echo "fuzz: $name input $(basename "$input") base64: $(base64 -w0 "$input")" >&2
    done
    return 1
  fi
  echo "fuzz: $name ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" |
    grep -o '[0-9]*$') runs in ${seconds} s)"
}

failed=0
running=0
pids=()
for name in "${names[@]}"; do
  run_one "$name" &
  pids+=($!)
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit $failed
