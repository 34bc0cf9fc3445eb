#!/usr/bin/env bash
# `make soak`: the full kill -9 soak (tests/integration/soak.test.mjs) with
# GOLDSET_SOAK_KILLS kills (default 20), on SQLite and then on a throwaway PostgreSQL
# cluster (scripts/pg-cluster.sh). CI runs the same test with 4 kills in `make test`.
# Env: GOLDSET_BIN (default build/goldset), GOLDSET_SOAK_KILLS.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOLDSET_BIN=${GOLDSET_BIN:-$PWD/build/goldset}
export GOLDSET_SOAK_KILLS=${GOLDSET_SOAK_KILLS:-20}
[ -x "$GOLDSET_BIN" ] || { echo "soak: $GOLDSET_BIN is missing; build first" >&2; exit 1; }

failed=()
echo "== soak on SQLite ($GOLDSET_SOAK_KILLS kills)"
node --test tests/integration/soak.test.mjs || failed+=(sqlite)

cluster=$(mktemp -d /tmp/goldset-pg-XXXXXX)
trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
url=$(scripts/pg-cluster.sh start "$cluster")
echo "== soak on PostgreSQL ($GOLDSET_SOAK_KILLS kills) at $url"
GOLDSET_DATABASE=$url node --test tests/integration/soak.test.mjs || failed+=(postgres)

if [ ${#failed[@]} -gt 0 ]; then
  echo "soak FAILED: ${failed[*]}"
  exit 1
fi
echo "soak passed"
