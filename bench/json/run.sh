#!/bin/sh
# ParseJson (exact numbers) beside Boost.JSON's json::parse on the same documents.
#   bench/json/run.sh [BUILD_DIR]    (default: build)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
cmake --build "$BUILD" --target bench_json >/dev/null
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
"$BUILD/bench/json/bench_json" --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_format=json > "$OUT"
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
med = {r["run_name"]: r for r in runs if r.get("aggregate_name") == "median"}
print(f"{'document':10} {'boost MB/s':>11} {'goldset MB/s':>13} {'goldset/boost':>14}")
for arg, name in ((0, "numbers"), (3, "prices"), (1, "mixed"), (2, "strings")):
    b, g = med[f"BoostParse/{arg}"], med[f"GoldsetParse/{arg}"]
    mb = lambda r: r["bytes_per_second"] / 1e6
    print(f"{name:10} {mb(b):11.1f} {mb(g):13.1f} {mb(g) / mb(b):13.2f}x")
PY
