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
exec node --test --test-concurrency=2 tests/integration/
