#!/usr/bin/env bash
# The README runs as written. Every ```sh block of README.md runs, in order and in one shell (as
# a reader pasting them into one terminal would), in a scratch copy of the repository whose
# build/ is the build under test. A block right after the line
#   <!-- readme-test: skip (REASON) -->
# is not run; REASON says why (it installs packages, needs an API key or a person at a browser).
# Synopsis blocks are ```text, not ```sh. After the blocks, the outputs the README promises are
# checked (the gate's decisions, the drafts, the merged shards).
#
#   tests/readme/readme_test.sh REPO_ROOT BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/readme-test.XXXXXX")
blocks_pid=
cleanup() {
  # The blocks run in their own process group: a server one of them started in the background
  # (the loopback judge) goes with them.
  if [[ -n $blocks_pid ]]; then kill -- "-$blocks_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

tar -C "$src" --exclude='./build*' --exclude=./out --exclude=./.git --exclude=./.arbiter \
  --exclude=./bench/out --exclude=node_modules -cf - . | tar -C "$work" -xf -
ln -s "$build" "$work/build"

# The runnable blocks, each preceded by a line that names where it starts.
script="$work/readme-blocks.sh"
awk '
  /^<!-- readme-test: skip/ { skip = 1; next }
  /^```sh[[:space:]]*$/ && !inblock { inblock = 1; run = !skip; skip = 0;
    if (run) printf "echo \"== README.md:%d\" >&2\n", NR; next }
  /^```/ && inblock { inblock = 0; next }
  inblock && run { print; next }
  !inblock && NF { skip = 0 }
' "$src/README.md" > "$script"
blocks=$(grep -c '^echo "== README.md:' "$script" || true)
[[ $blocks -ge 5 ]] || { echo "only $blocks runnable blocks found in README.md" >&2; exit 1; }

cd "$work"
setsid bash -eo pipefail "$script" > "$work/readme.log" 2>&1 &
blocks_pid=$!
if ! wait "$blocks_pid"; then
  echo "a README block failed; its output (the last block named is the one):" >&2
  tail -n 60 "$work/readme.log" >&2
  exit 1
fi
echo "ran $blocks README blocks" >&2

# What the README says the blocks produce.
fail=0
expect() {  # FILE REGEX WHAT
  if ! grep -Eq "$2" "$1" 2>/dev/null; then echo "README promise broken: $3 ($1)" >&2; fail=1; fi
}
expect out/demo/scorecard.md 'citation-grounded' 'the first example writes a scorecard'
expect out/my-evals/out/run/scorecard.json 'answer-not-truncated' 'init writes a project that runs'
expect out/seed/gate-swap/gate.json '"decision": *"blocked"' 'the seed swap is blocked'
expect out/seed/gate-fixed/gate.json '"decision": *"passed"' 'the seed fix passes'
expect out/ci/gate/gate.json '"decision": *"blocked"' 'the CI walk-through blocks the swap'
expect out/loop/drafts/generate.md 'invented-citation' 'generate drafts the citation check'
expect "$(ls out/serve/samples/*.plan.json | head -1)" '"traces": *300' 'serve assembles the 300 posted traces'
expect "$(ls out/serve/scores/*/scorecard.json | head -1)" 'citation-grounded' 'serve scores its window'
cmp -s out/merged/scores.jsonl out/demo/scores.jsonl ||
  { echo "README promise broken: merged shards differ from one run" >&2; fail=1; }
exit $fail
