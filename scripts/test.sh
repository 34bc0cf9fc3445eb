#!/usr/bin/env bash
# Builds into BUILD_DIR and runs the suites named in GOLDSET_SUITES (default: all).
# Suites: unit (ctest), integration (node over real HTTP), sdk (official extend-ai SDK),
# browser (Chromium), postgres (store + integration against a throwaway PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
suites=${GOLDSET_SUITES:-unit,integration,sdk,browser,postgres}
jobs=$(nproc)

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build_dir" -j "$jobs"

has() { [[ ",$suites," == *",$1,"* ]]; }
failed=()

if has unit; then
  echo "== unit tests"
  (cd "$build_dir" && ctest --output-on-failure -j "$jobs") || failed+=(unit)
fi
for suite in integration sdk browser postgres; do
  if has "$suite" && [ -x "scripts/test-$suite.sh" ]; then
    echo "== $suite tests"
    GOLDSET_BIN="$PWD/$build_dir/goldset" "scripts/test-$suite.sh" || failed+=("$suite")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "all suites passed"
