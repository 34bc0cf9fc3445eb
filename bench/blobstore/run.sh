#!/usr/bin/env bash
# bench/blobstore: S3 blob store (a local s3rver) against the local blob store, through
# the API (uploads and presigned downloads). Prints MB/s of both and the ratio.
# Env: GOLDSET_BENCH_BLOB_FILES (16), GOLDSET_BENCH_BLOB_MB (4), GOLDSET_BENCH_BLOB_BIG_MB (64).
# Usage: bench/blobstore/run.sh [BUILD_DIR]   (use a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build}
bin=$build_dir/goldset
[ -x "$bin" ] || { echo "bench/blobstore: $bin not built" >&2; exit 1; }
[ -d tests/integration/node_modules/s3rver ] || (cd tests/integration && npm ci --no-audit --no-fund --loglevel=error)
timeout 600 node bench/blobstore/blobstore.mjs --bin "$bin" --files "${GOLDSET_BENCH_BLOB_FILES:-16}" \
  --mb "${GOLDSET_BENCH_BLOB_MB:-4}" --big-mb "${GOLDSET_BENCH_BLOB_BIG_MB:-64}"
