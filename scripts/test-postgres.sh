#!/usr/bin/env bash
# The `postgres` suite of scripts/test.sh: starts a throwaway PostgreSQL cluster
# (scripts/pg-cluster.sh), runs against it
#   1. the unit tests labelled `postgres` (ctest -L postgres: store_test and any other
#      backend-parameterized test) with GOLDSET_TEST_DATABASE; each test makes its own database,
#   2. tests/postgres/*.sh (several API nodes on one database),
#   3. the integration and SDK suites when present, with GOLDSET_DATABASE set: their
#      harness gives every server a fresh database (tests/integration/pg.mjs),
# and stops the cluster on exit. Env: GOLDSET_BIN (default build/goldset).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${GOLDSET_BIN:-$PWD/build/goldset}
build_dir=$(dirname "$bin")
[ -x "$bin" ] || { echo "test-postgres: $bin not built" >&2; exit 1; }

cluster=$(mktemp -d /tmp/goldset-pg-XXXXXX)
trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
url=$(scripts/pg-cluster.sh start "$cluster")
echo "PostgreSQL test cluster at $url"

failed=()
echo "-- unit tests labelled postgres, on PostgreSQL"
(cd "$build_dir" && GOLDSET_TEST_DATABASE=$url ctest -L postgres --output-on-failure -j 2) || failed+=(unit)
for t in tests/postgres/*.sh; do
  echo "-- $t"
  GOLDSET_TEST_DATABASE=$url "$t" "$bin" || failed+=("$(basename "$t")")
done
for suite in integration sdk; do
  if [ -x "scripts/test-$suite.sh" ]; then
    echo "-- $suite suite on PostgreSQL"
    GOLDSET_DATABASE=$url GOLDSET_BIN=$bin "scripts/test-$suite.sh" || failed+=("$suite")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "postgres suite FAILED: ${failed[*]}"
  exit 1
fi
echo "postgres suite passed"
