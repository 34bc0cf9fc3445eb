#!/usr/bin/env bash
# Dashboard browser tests: Debian's chromium driven by playwright-core against the real
# server binary ($GOLDSET_BIN, default build/goldset). Screenshots: build/browser-artifacts/.
# Fails (never skips) when anything it needs is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export GOLDSET_BIN=${GOLDSET_BIN:-$root/build/goldset}
chromium=${CHROMIUM_BIN:-/usr/bin/chromium}

die() { echo "test-browser: $*" >&2; exit 1; }
command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"
[ -x "$chromium" ] || die "chromium not found at $chromium (apt-get install chromium)"
[ -x "$GOLDSET_BIN" ] || die "server binary not found at $GOLDSET_BIN (build it first: cmake --build build --target goldset)"

# npm ci when node_modules is missing or older than the lock file (npm writes its own
# copy of the lock into node_modules/.package-lock.json on install).
dir=tests/browser
if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ] \
   || [ ! -d "$dir/node_modules/playwright-core" ]; then
  echo "test-browser: installing $dir dependencies (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund)
fi

mkdir -p build/browser-artifacts
node --test --test-concurrency=1 tests/browser/
