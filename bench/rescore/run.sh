#!/bin/sh
# Re-scoring a stored 100,000-item run beside the original run's scoring phase.
#   bench/rescore/run.sh [BUILD_DIR] [ITEMS]   (default: build, 100000)
# Target: rescore_s < 10 on the 2-core machine when it is not shared (the load average is
# printed: wall times under load measure the other processes; *_cpu_s do not).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
cmake --build "$BUILD" --target bench_rescore >/dev/null
"$BUILD/bench/rescore/bench_rescore" --items "${2:-100000}"
