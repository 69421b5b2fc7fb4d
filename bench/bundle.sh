#!/usr/bin/env bash
# Packs a build's `arbiter` and `arbiter-gen-demo` with the shared libraries they load (all but
# the C library's own, which the other machine has), stripped, into OUT, laid out as a build
# folder (OUT/runner/arbiter, OUT/datasets/demo/arbiter-gen-demo, OUT/lib/): a machine without
# this project's packages, such as a lent 16-core machine, then runs the benchmark scripts with
# OUT as their BUILD_DIR (bench/cores.sh puts OUT/lib on LD_LIBRARY_PATH). Prints OUT's size;
# the device tool carries at most 64 MiB.
#
#   bench/bundle.sh [BUILD_DIR] [OUT]      (default build-release, bench/out/bundle)
#
# Build first: cmake --preset release && cmake --build build-release -j2 --target arbiter arbiter-gen-demo
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
out=${2:-bench/out/bundle}
binaries=(runner/arbiter datasets/demo/arbiter-gen-demo)
for bin in "${binaries[@]}"; do
  [[ -x $build/$bin ]] || { echo "build $build first (see the header)" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out/lib"
for bin in "${binaries[@]}"; do
  mkdir -p "$out/$(dirname "$bin")"
  strip -o "$out/$bin" "$build/$bin"
  ldd "$build/$bin" | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
    name=$(basename "$lib")
    case $name in
      libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*) continue ;;
    esac
    [[ -e $out/lib/$name ]] || strip --strip-unneeded -o "$out/lib/$name" "$lib"
  done
done
echo "$out: $(du -sh "$out" | cut -f1), $(find "$out/lib" -type f | wc -l) libraries"
