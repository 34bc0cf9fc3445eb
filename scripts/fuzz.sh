#!/usr/bin/env bash
# libFuzzer targets (tests/fuzz/) built with clang, ASan+UBSan, in ${FUZZ_DIR:-build-fuzz}.
#   scripts/fuzz.sh run     every target for FUZZ_SECONDS (default 60) from its committed
#                           corpus (`make fuzz`)
#   scripts/fuzz.sh smoke   every target over its committed corpus, then FUZZ_SMOKE_SECONDS
#                           (default 5) of fuzzing (`make test`, suite fuzz)
# FUZZ_TARGETS="fuzz_pdf fuzz_egress" limits the run. New inputs go to FUZZ_DIR/corpus/<target>
# (not committed), crashes to FUZZ_DIR/artifacts/<target>/. Prints one line per target and
# exits 1 when any target crashed, leaked or timed out: turn the artifact into a regression
# case (copy it into tests/fuzz/corpus/<target>/ and fix the bug).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
dir=${FUZZ_DIR:-build-fuzz}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_COMPILER=clang -DGOLDSET_FUZZ=ON >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"

case "$mode" in
  run) seconds=${FUZZ_SECONDS:-60} ;;
  smoke) seconds=${FUZZ_SMOKE_SECONDS:-5} ;;
  *) echo "usage: $0 [run|smoke]" >&2; exit 2 ;;
esac
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.cpp | xargs -n1 basename | sed 's/\.cpp$//')}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
failed=()
printf '%-24s %6s %10s %8s %8s %7s  %s\n' target seconds runs exec/s cov corpus result
for t in $targets; do
  bin="$dir/tests/fuzz/$t"
  seeds="tests/fuzz/corpus/$t"
  work="$dir/corpus/$t"
  artifacts="$dir/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$dir/$t.log"
  flags=(-timeout=20 -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 "-artifact_prefix=$artifacts/")
  started=$(date +%s)
  result=ok
  # The committed corpus alone first: every seed and every past crash must pass.
  if ! "$bin" "${flags[@]}" -runs=0 "$seeds" >"$log" 2>&1; then
    result="FAILED on the committed corpus (see $log)"
  elif ! "$bin" "${flags[@]}" -max_total_time="$seconds" "$work" "$seeds" >>"$log" 2>&1; then
    result="FOUND: $(ls -t "$artifacts" | head -1 | sed "s|^|$artifacts/|") (see $log)"
  fi
  elapsed=$(( $(date +%s) - started ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
  speed=$(( ${runs:-0} / (elapsed > 0 ? elapsed : 1) ))
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  printf '%-24s %6s %10s %8s %8s %7s  %s\n' "$t" "$elapsed" "${runs:--}" "${speed:--}" "${cov:--}" "${corp:--}" "$result"
  [ "$result" = ok ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]}"
  exit 1
fi
