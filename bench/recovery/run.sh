#!/usr/bin/env bash
# bench/recovery: how much a kill -9 costs a run. A 2,000-item run (GOLDSET_BENCH_RUN_ITEMS)
# through a local http engine answering in 50 ms, on SQLite and on PostgreSQL:
#   peer:        the same run, uninterrupted
#   interrupted: the server is killed (SIGKILL) when half the items are done and started
#                again at once on the same data dir / database
# Prints both times-to-finish and their ratio. Target (issue 16): interrupted within
# 1.2 x uninterrupted + one lease period (--lease-ms, default 15 s).
# PostgreSQL: GOLDSET_BENCH_DATABASE (an admin URL), else a throwaway cluster started here.
# Usage: bench/recovery/run.sh [BUILD_DIR]   (use a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build}
bin=$build_dir/goldset
[ -x "$bin" ] || { echo "bench/recovery: $bin not built" >&2; exit 1; }
items=${GOLDSET_BENCH_RUN_ITEMS:-2000}
workers=${GOLDSET_BENCH_WORKERS:-4}
unset GOLDSET_DATABASE

. bench/pg_admin.sh
url=$(fresh_db)

echo "== recovery after kill -9 at 50%: $items items, 50 ms engine calls, $workers workers"
node bench/recovery/recovery.mjs --bin "$bin" --items "$items" --workers "$workers" --label sqlite
node bench/recovery/recovery.mjs --bin "$bin" --items "$items" --workers "$workers" --label postgres --database "$url"
drop_db "$url"
