#!/usr/bin/env bash
# Installs the Debian 12 packages that Goldset's build, tests and benchmarks need.
# npm packages of the test suites (tests/sdk: extend-ai; tests/integration: ajv and
# ajv-formats, which validate every response against web/openapi.json, and s3rver, the
# local S3-compatible server of the blob store tests; tests/browser)
# are installed by their scripts (scripts/test-*.sh) with npm ci from their lock files.
# Idempotent: asks dpkg first and only calls apt-get for what is missing; silent when
# nothing is missing. Usage: scripts/install-deps.sh [build|test|bench|all]  (default: all)
set -euo pipefail

what=${1:-all}

build_pkgs=(
  g++ cmake ninja-build pkg-config ccache make
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libcurl4-openssl-dev
  libpoppler-cpp-dev libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng
  libpng-dev libjpeg-dev libtiff-dev
  libre2-dev libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
test_pkgs=(
  postgresql-15 postgresql-client-15 pgbouncer
  chromium
  poppler-utils libcairo2-dev fonts-dejavu-core qpdf
  python3 curl sqlite3
  clang libclang-rt-14-dev clang-format-14
)
bench_pkgs=(
  nginx-light wrk python3-levenshtein python3-numpy hyperfine
)

# python3-scipy is not listed: through python3-pythran it needs libboost-dev (1.74), which
# conflicts with libboost1.81-dev. bench/ unpacks the scipy .deb next to the build instead.

pkgs=()
case "$what" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test)  pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  all)   pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done
# Node.js may come from outside Debian (with its own npm); install Debian's only when absent.
if [ "$what" != build ] && ! command -v npm >/dev/null 2>&1; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  missing+=(npm)
fi
# The integration harness's response validator (ajv, ajv-formats) and local S3 server
# (s3rver); tests/integration/package-lock.json.
int_modules="$(dirname "$0")/../tests/integration/node_modules"
if [ "$what" != build ] && [ ${#missing[@]} -eq 0 ] && { [ ! -d "$int_modules/ajv" ] || [ ! -d "$int_modules/s3rver" ]; } && command -v npm >/dev/null 2>&1; then
  (cd "$(dirname "$0")/../tests/integration" && npm ci --no-audit --no-fund --loglevel=error)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale package list makes installs fail on a new machine; refresh once per call.
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's nginx package starts a system-wide server on :80; the benchmarks run their own.
if printf '%s\n' "${missing[@]}" | grep -q '^nginx'; then
  (command -v systemctl >/dev/null && $SUDO systemctl disable --now nginx >/dev/null 2>&1) || true
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi
