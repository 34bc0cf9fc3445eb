#!/usr/bin/env bash
# Builds into BUILD_DIR and runs the suites named in GOLDSET_SUITES (default: all).
# Suites: unit (ctest), integration (node over real HTTP), sdk (official extend-ai SDK),
# browser (Chromium), postgres (store + integration against a throwaway PostgreSQL),
# asan (an ASan+UBSan build in ${ASAN_DIR:-build-asan}: unit tests + integration suite),
# tsan (a ThreadSanitizer build in ${TSAN_DIR:-build-tsan}, same tests; only when named),
# format (scripts/check-format.sh: the C++ sources as clang-format-14 lays them out),
# fuzz (the libFuzzer targets, clang ASan+UBSan in ${FUZZ_DIR:-build-fuzz}: each target
# over its committed corpus, then FUZZ_SMOKE_SECONDS of fuzzing; scripts/fuzz.sh smoke),
# package (scripts/test-package.sh: builds the .deb, dpkg -i, starts it as the unit does,
# removes it; only as root with dpkg, which CI has — skipped with a message otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
suites=${GOLDSET_SUITES:-format,unit,integration,sdk,browser,postgres,package,asan,fuzz}
jobs=$(nproc)

has() { [[ ",$suites," == *",$1,"* ]]; }
failed=()

# First, so a formatting slip is reported in seconds rather than after the build.
if has format; then
  echo "== format"
  scripts/check-format.sh || failed+=(format)
fi

# The sanitizer suites build their own directories; the others test BUILD_DIR.
if has unit || has integration || has sdk || has browser || has postgres || has package; then
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build_dir" -j "$jobs"
fi

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

if has package; then
  # It installs a package system-wide and creates the goldset user: root only, never sudo
  # from here (a developer's `make test` must not prompt or touch their system).
  if [ "$(id -u)" -eq 0 ] && command -v dpkg >/dev/null && command -v dpkg-deb >/dev/null; then
    echo "== package tests"
    scripts/test-package.sh "$build_dir" || failed+=(package)
  else
    echo "== package tests: skipped (need root and dpkg; run make test-package)"
  fi
fi

# A sanitizer build in its own directory, then the unit tests and the integration suite on it.
#   sanitized NAME DIR CMAKE_ARGS...
sanitized() {
  local name=$1 dir=$2
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  fi
  if cmake --build "$dir" -j "$jobs"; then
    (cd "$dir" && ctest --output-on-failure -j "$jobs") || failed+=("$name-unit")
    GOLDSET_BIN="$PWD/$dir/goldset" scripts/test-integration.sh || failed+=("$name-integration")
  else
    failed+=("$name-build")
  fi
}

if has asan; then
  echo "== asan (ASan+UBSan build: unit + integration)"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
  sanitized asan "${ASAN_DIR:-build-asan}" -DCMAKE_BUILD_TYPE=Debug -DGOLDSET_SANITIZE=ON
fi

if has tsan; then
  echo "== tsan (ThreadSanitizer build: unit + integration)"
  # A data race stops the process that has it, so the test that drove it fails.
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
  sanitized tsan "${TSAN_DIR:-build-tsan}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOLDSET_TSAN=ON
fi

if has fuzz; then
  echo "== fuzz (libFuzzer smoke run: committed corpus + ${FUZZ_SMOKE_SECONDS:-5} s per target)"
  scripts/fuzz.sh smoke || failed+=(fuzz)
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "all suites passed"
