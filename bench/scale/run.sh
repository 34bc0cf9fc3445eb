#!/usr/bin/env bash
# bench/scale: SQLite and PostgreSQL side by side in one run.
#   1. scale.mjs: GOLDSET_BENCH_ITEMS items (default 100,000) through the API: items/s
#      created, list latency page 1 vs page 1,000, run creation over every item, peak RSS.
#      Targets (issue 4, SQLite): >= 5,000 items/s; page 1,000 within 2x of page 1; run
#      creation < 5 s; server RSS < 300 MB.
#   2. list_latency.mjs: page 1 and page 1,000 on both backends at once, requests taking
#      turns, for the PG/SQLite list ratios (measured apart, machine noise moved them ~2x).
#   3. throughput.mjs: run throughput (items processed per second) over
#      GOLDSET_BENCH_RUN_ITEMS invoice TXT items (default 2,000) with 1, 2 and 4 workers.
# PostgreSQL: GOLDSET_BENCH_DATABASE (an admin URL; each measurement gets a fresh database
# on its cluster), else a throwaway cluster started here with scripts/pg-cluster.sh.
# Usage: bench/scale/run.sh [BUILD_DIR]   (use a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build}
bin=$build_dir/goldset
[ -x "$bin" ] || { echo "bench/scale: $bin not built" >&2; exit 1; }
items=${GOLDSET_BENCH_ITEMS:-100000}
run_items=${GOLDSET_BENCH_RUN_ITEMS:-2000}
unset GOLDSET_DATABASE

. bench/pg_admin.sh

echo "== creation, paging, run creation: $items items"
sqlite=$(node bench/scale/scale.mjs --bin "$bin" --items "$items" --workers 1)
echo "sqlite:     $sqlite"
url=$(fresh_db)
pg=$(node bench/scale/scale.mjs --bin "$bin" --items "$items" --workers 1 --database "$url")
drop_db "$url"
echo "postgresql: $pg"

echo "== list latency, both backends at once: $items items"
url=$(fresh_db)
list=$(node bench/scale/list_latency.mjs --bin "$bin" --items "$items" --database "$url")
drop_db "$url"
echo "both:       $list"

echo "== run throughput: $run_items items, 1/2/4 workers"
tput_s=() tput_p=()
for w in 1 2 4; do
  s=$(node bench/scale/throughput.mjs --bin "$bin" --items "$run_items" --workers "$w")
  echo "sqlite:     $s"
  url=$(fresh_db)
  p=$(node bench/scale/throughput.mjs --bin "$bin" --items "$run_items" --workers "$w" --database "$url")
  drop_db "$url"
  echo "postgresql: $p"
  tput_s+=("$s") tput_p+=("$p")
done

echo "== summary (PG/SQLite ratio: > 1 means PostgreSQL is larger)"
node -e '
const [s, p, l, ...t] = process.argv.slice(1).map((x) => JSON.parse(x));
const ok = (c) => (c ? "ok" : "MISSED");
const ratio = (a, b) => (b ? (a / b).toFixed(2) + "x" : "n/a");
const row = (name, a, b, unit) => console.log(`${name.padEnd(34)} sqlite ${String(a).padStart(9)} ${unit.padEnd(6)} postgresql ${String(b).padStart(9)} ${unit.padEnd(6)} pg/sqlite ${ratio(b, a)}`);
row(`items created per s (${s.items})`, s.itemsPerSec, p.itemsPerSec, "/s");
row("list page 1 (both at once)", l.sqlite.listPage1Ms, l.postgresql.listPage1Ms, "ms");
row(`list page ${l.pagesWalked} (both at once)`, l.sqlite.listPage1000Ms, l.postgresql.listPage1000Ms, "ms");
row(`run creation (${s.runItems} items)`, s.runCreateSecs, p.runCreateSecs, "s");
row("peak RSS (creation bench)", s.peakRssMB, p.peakRssMB, "MB");
const n = t.length / 2;
for (let i = 0; i < n; ++i) {
  const a = t[i], b = t[n + i];
  row(`run throughput, ${a.workers} worker(s)`, a.runItemsPerSec, b.runItemsPerSec, "/s");
}
console.log(`sqlite targets: items/s >= 5000 ${ok(s.itemsPerSec >= 5000)}; page-1000/page-1 ${s.listRatio} <= 2 ${ok(s.listRatio <= 2)}; ` +
  `run creation < 5 s ${ok(s.runCreateSecs < 5)}; RSS < 300 MB ${ok(s.peakRssMB < 300)}`);
console.log(`postgresql page-1000/page-1 ${p.listRatio}`);
' "$sqlite" "$pg" "$list" "${tput_s[@]}" "${tput_p[@]}"
