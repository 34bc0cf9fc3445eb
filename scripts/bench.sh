#!/usr/bin/env bash
# Runs every bench/*/run.sh present, passing the (Release) build dir. Builds it first.
#   scripts/bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" --target goldset
failed=()
for run in bench/*/run.sh; do
  [ -x "$run" ] || continue
  echo "== $run"
  "$run" "$build_dir" || failed+=("$run")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED benchmarks: ${failed[*]}"
  exit 1
fi
