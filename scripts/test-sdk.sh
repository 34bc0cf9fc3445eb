#!/usr/bin/env bash
# SDK suite: the official extend-ai SDK (pinned in tests/sdk/package-lock.json) against
# the real binary. Installs with `npm ci` when node_modules is missing or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOLDSET_BIN=${GOLDSET_BIN:-$PWD/build/goldset}
if [ ! -x "$GOLDSET_BIN" ]; then
  echo "test-sdk: $GOLDSET_BIN is missing; build first" >&2
  exit 1
fi
lock_hash=$(sha256sum tests/sdk/package-lock.json | cut -d' ' -f1)
stamp=tests/sdk/node_modules/.goldset-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  (cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > "$stamp"
fi
# The response validator (ajv, ajv-formats) the harness uses; npm ci when the lock changed.
int_lock=$(sha256sum tests/integration/package-lock.json | cut -d' ' -f1)
int_stamp=tests/integration/node_modules/.goldset-lock-sha256
if [ ! -f "$int_stamp" ] || [ "$(cat "$int_stamp")" != "$int_lock" ]; then
  (cd tests/integration && npm ci --no-audit --no-fund --loglevel=error)
  echo "$int_lock" > "$int_stamp"
fi
exec node --test --test-concurrency=2 tests/sdk/
