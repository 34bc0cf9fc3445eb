#!/usr/bin/env bash
# multi_node.mjs with file bytes in a shared S3 bucket (a local s3rver): two serve nodes
# and two workers on one PostgreSQL database, 2,000 items (600 could all finish between two
# progress reads, so the kill came after the end), kill -9 mid-run.
# Usage: GOLDSET_TEST_DATABASE=postgresql://… tests/postgres/multi_node_s3.sh path/to/goldset
set -euo pipefail
bin=$(realpath "$1")
admin=${GOLDSET_TEST_DATABASE:?set GOLDSET_TEST_DATABASE}
db="t_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
psql -X -q "$admin" -c "CREATE DATABASE $db" >/dev/null
trap 'psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
timeout -k 10 420 node "$(dirname "$0")/multi_node.mjs" --bin "$bin" --database "${admin%/*}/$db" --items 2000 --s3 1
