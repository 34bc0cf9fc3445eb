#!/usr/bin/env bash
# Two serve nodes and two workers on one fresh PostgreSQL database: a 2,000-item run
# survives kill -9 of a worker and an API node, every item once, metrics equal to SQLite
# (the work is in multi_node.mjs).
# Usage: GOLDSET_TEST_DATABASE=postgresql://… tests/postgres/multi_node.sh path/to/goldset
set -euo pipefail
bin=$(realpath "$1")
admin=${GOLDSET_TEST_DATABASE:?set GOLDSET_TEST_DATABASE}
db="t_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
psql -X -q "$admin" -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
timeout -k 10 420 node "$(dirname "$0")/multi_node.mjs" --bin "$bin" --database "${admin%/*}/$db"
