#!/usr/bin/env bash
# Installs what arbiter needs to build and test on Debian 12, skipping what is present.
#   ./setup.sh                         build dependencies only
#   ARBITER_WITH_BROWSER=1 ./setup.sh  also what the tests need: Chromium and xmllint, clang's
#                                      libFuzzer, PostgreSQL, Slurm with munge, and the npm
#                                      packages under tests/node (real OTLP exporters, a
#                                      browser driver)
set -euo pipefail
cd "$(dirname "$0")"
packages=(build-essential cmake pkg-config ccache libyaml-cpp-dev libre2-dev libvalijson-dev
  liblua5.4-dev libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev
  libcli11-dev libsimdjson-dev nlohmann-json3-dev libcpp-httplib-dev libxxhash-dev zlib1g-dev
  libssl-dev python3 protobuf-compiler libprotobuf-dev libgrpc++-dev protobuf-compiler-grpc
  libpq-dev libjemalloc-dev curl)
with_tests=0
[[ "${ARBITER_WITH_BROWSER:-0}" == 1 ]] && with_tests=1
if ((with_tests)); then
  packages+=(chromium libxml2-utils clang libclang-rt-14-dev postgresql slurm-wlm munge)
  # A Node.js from elsewhere (NodeSource) bundles npm and conflicts with Debian's npm package.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ((with_tests)) && [[ -f tests/node/package-lock.json ]]; then
  # The exact versions in the lock file; nothing is downloaded when they are already there.
  if ! (cd tests/node && npm ls --silent >/dev/null 2>&1); then
    echo "setup: installing npm packages in tests/node" >&2
    (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: dependencies present" >&2
