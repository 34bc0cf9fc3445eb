#!/usr/bin/env bash
# bench/scale: 100,000 items through the API, list latency at depth, run creation, RSS.
# Targets (issue 4): >= 5,000 items/s; page 1,000 within 2x of page 1; run creation
# < 5 s; server RSS < 300 MB. With a PostgreSQL URL in GOLDSET_BENCH_DATABASE the same
# figures are printed for PostgreSQL beside SQLite, with ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build}
items=${GOLDSET_BENCH_ITEMS:-100000}
sqlite=$(node bench/scale/scale.mjs --bin "$build_dir/goldset" --items "$items" --workers 1)
echo "sqlite:     $sqlite"
node -e '
const r = JSON.parse(process.argv[1]);
const ok = (c) => (c ? "ok" : "MISSED");
console.log(`items/s ${r.itemsPerSec} (target >= 5000: ${ok(r.itemsPerSec >= 5000)})`);
console.log(`list page 1 ${r.listPage1Ms} ms, page ${r.pagesWalked} ${r.listPage1000Ms} ms, ratio ${r.listRatio} (target <= 2: ${ok(r.listRatio <= 2)})`);
console.log(`run creation over ${r.runItems} items: ${r.runCreateSecs} s (target < 5: ${ok(r.runCreateSecs < 5)})`);
console.log(`peak RSS ${r.peakRssMB} MB (target < 300: ${ok(r.peakRssMB < 300)})`);
' "$sqlite"
if [ -n "${GOLDSET_BENCH_DATABASE:-}" ]; then
  pg=$(node bench/scale/scale.mjs --bin "$build_dir/goldset" --items "$items" --workers 1 --database "$GOLDSET_BENCH_DATABASE")
  echo "postgresql: $pg"
  node -e '
const s = JSON.parse(process.argv[1]), p = JSON.parse(process.argv[2]);
console.log(`postgresql/sqlite: items/s ${(p.itemsPerSec / s.itemsPerSec).toFixed(2)}x, run creation ${(p.runCreateSecs / s.runCreateSecs).toFixed(2)}x, page-1000 latency ${(p.listPage1000Ms / s.listPage1000Ms).toFixed(2)}x`);
' "$sqlite" "$pg"
fi
