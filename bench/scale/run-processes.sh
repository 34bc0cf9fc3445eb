#!/usr/bin/env bash
# bench/scale: scale-out on one PostgreSQL. N = 1, 2, 4 `goldset worker` processes on a
# throwaway cluster (pg_stat_statements loaded) each process a GOLDSET_BENCH_RUN_ITEMS-item
# run (default 2,000); prints items/s, the database's CPU (cores and share of the busy
# CPU) and its statements, transactions and rows written per item (processes.mjs).
# Usage: bench/scale/run-processes.sh [BUILD_DIR]   (use a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build}
bin=$build_dir/goldset
[ -x "$bin" ] || { echo "bench/scale: $bin not built" >&2; exit 1; }
run_items=${GOLDSET_BENCH_RUN_ITEMS:-2000}
unset GOLDSET_DATABASE
cluster=$(mktemp -d /tmp/goldset-bench-pg-XXXXXX)
trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
admin=$(GOLDSET_PG_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" \
  scripts/pg-cluster.sh start "$cluster")
postmaster=$(head -1 "$cluster/data/postmaster.pid")
echo "throwaway PostgreSQL at $admin (postmaster $postmaster), $(nproc) cores"
for n in 1 2 4; do
  db="bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  psql -X -q "$admin" -c "CREATE DATABASE $db" >/dev/null
  node bench/scale/processes.mjs --bin "$bin" --items "$run_items" --processes "$n" \
    --database "${admin%/*}/$db" --postmaster-pid "$postmaster"
  psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
done
