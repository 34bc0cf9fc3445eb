#!/usr/bin/env bash
# PostgreSQL outages mid-run (tests/postgres/outage.test.mjs): backends killed with
# pg_terminate_backend again and again, then the server stopped and started again (twice:
# at the default lease and with an outage longer than the lease). Runs on a cluster of
# its own (scripts/pg-cluster.sh), since it stops the server; GOLDSET_TEST_DATABASE (the
# suite's shared cluster) is not used.
# Usage: tests/postgres/outage.sh path/to/goldset
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "$1")
cluster=$(mktemp -d /tmp/goldset-pg-outage-XXXXXX)
trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
url=$(scripts/pg-cluster.sh start "$cluster")
GOLDSET_BIN=$bin GOLDSET_DATABASE=$url GOLDSET_PG_CLUSTER=$cluster \
  timeout -k 10 1200 node --test tests/postgres/outage.test.mjs
