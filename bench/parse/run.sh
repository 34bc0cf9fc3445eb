#!/usr/bin/env bash
# Builds and runs bench_parse: goldset's parser beside pdftotext and the tesseract
# command on the same generated files, in the same run. Usage: bench/parse/run.sh [--pdfs N] [--images M]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
command -v pdftotext >/dev/null || { echo "run.sh: pdftotext missing (poppler-utils)" >&2; exit 1; }
command -v tesseract >/dev/null || { echo "run.sh: tesseract missing (tesseract-ocr)" >&2; exit 1; }
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build" --target bench_parse bench_markup -j2 >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/bench/parse/bench_parse" --dir "$dir" "$@"
echo "-- HTML/XML extraction on hostile inputs (F4), beside ordinary markup"
"$build/bench/parse/bench_markup"
