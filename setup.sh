#!/usr/bin/env bash
# Installs what arbiter needs to build and test on Debian 12, skipping what is present.
set -euo pipefail
packages=(build-essential cmake pkg-config libyaml-cpp-dev libre2-dev libvalijson-dev
  liblua5.4-dev libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev
  libcli11-dev libsimdjson-dev nlohmann-json3-dev libcpp-httplib-dev libxxhash-dev zlib1g-dev libssl-dev python3)
if [[ "${ARBITER_WITH_BROWSER:-0}" == 1 ]]; then packages+=(chromium libxml2-utils); fi
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
echo "setup: dependencies present" >&2
