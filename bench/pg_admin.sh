# Sourced by the benchmark scripts that measure on PostgreSQL (bench/scale, bench/recovery):
# sets `admin` to an admin URL — GOLDSET_BENCH_DATABASE, else a throwaway cluster started
# here with scripts/pg-cluster.sh and stopped on exit — and defines fresh_db (creates an
# empty database on that cluster and prints its URL) and drop_db URL.
# REQUIRES: the caller's working directory is the repository root when sourcing (the
# cluster is stopped on exit wherever the caller has gone since).
admin=${GOLDSET_BENCH_DATABASE:-}
if [ -z "$admin" ]; then
  bench_pg_script="$PWD/scripts/pg-cluster.sh"
  bench_pg_cluster=$(mktemp -d /tmp/goldset-bench-pg-XXXXXX)
  trap '"$bench_pg_script" stop "$bench_pg_cluster"' EXIT
  admin=$("$bench_pg_script" start "$bench_pg_cluster")
  echo "throwaway PostgreSQL at $admin"
fi
fresh_db() {
  local db="bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  psql -X -q "$admin" -c "CREATE DATABASE $db" >/dev/null
  echo "${admin%/*}/$db"
}
drop_db() { psql -X -q "$admin" -c "DROP DATABASE IF EXISTS ${1##*/} WITH (FORCE)" >/dev/null 2>&1 || true; }
