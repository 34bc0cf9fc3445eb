#!/usr/bin/env bash
# Integration suite: node's built-in test runner against the real binary over HTTP.
# Env: GOLDSET_BIN (default build/goldset). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOLDSET_BIN=${GOLDSET_BIN:-$PWD/build/goldset}
if [ ! -x "$GOLDSET_BIN" ]; then
  echo "test-integration: $GOLDSET_BIN is missing; build first" >&2
  exit 1
fi
# The response validator (ajv, ajv-formats) and the local S3 server (s3rver) the tests
# use; npm ci when the lock changed.
int_lock=$(sha256sum tests/integration/package-lock.json | cut -d' ' -f1)
int_stamp=tests/integration/node_modules/.goldset-lock-sha256
if [ ! -f "$int_stamp" ] || [ "$(cat "$int_stamp")" != "$int_lock" ]; then
  (cd tests/integration && npm ci --no-audit --no-fund --loglevel=error)
  echo "$int_lock" > "$int_stamp"
fi
exec node --test --test-concurrency=2 tests/integration/
