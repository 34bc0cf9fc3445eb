#!/usr/bin/env bash
# Two `goldset serve` nodes on one fresh PostgreSQL database, started at the same moment
# (they race to migrate and to create the default workspace), share everything through
# the database: a file uploaded through node A is listed, described and downloaded
# through node B (blobs live in the database), and deleted through B it is gone on A.
# Usage: GOLDSET_TEST_DATABASE=postgresql://… tests/postgres/two_nodes.sh path/to/goldset
set -euo pipefail
bin=$1
admin=${GOLDSET_TEST_DATABASE:?set GOLDSET_TEST_DATABASE}
db="t_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
psql -X -q "$admin" -c "CREATE DATABASE $db" >/dev/null
url="${admin%/*}/$db"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "two_nodes: FAIL: $*" >&2; for n in a b; do sed 's/^/  '$n': /' "$work/$n.err" >&2 || true; done; exit 1; }

for n in a b; do
  GOLDSET_DATABASE=$url "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/$n" --no-access-log \
    >"$work/$n.out" 2>"$work/$n.err" &
  pids+=($!)
done
for n in a b; do
  for _ in $(seq 200); do grep -q '^Listening on' "$work/$n.out" && break; sleep 0.1; done
  grep -q '^Listening on' "$work/$n.out" || fail "node $n did not start"
done
A=$(sed -n 's/^Listening on //p' "$work/a.out")
B=$(sed -n 's/^Listening on //p' "$work/b.out")
created=$(cat "$work/a.out" "$work/b.out" | grep -c 'API key (shown once)' || true)
[ "$created" = 1 ] || fail "expected exactly one node to create the default workspace, got $created"
key=$(cat "$work/a.out" "$work/b.out" | sed -n 's/.*API key (shown once): //p')
workspaces=$(GOLDSET_DATABASE=$url "$bin" workspaces list --data-dir "$work/cli" | wc -l)
[ "$workspaces" = 1 ] || fail "expected one workspace, found $workspaces"
migrations=$(psql -X -qtA "$url" -c "SELECT COUNT(*) = COUNT(DISTINCT version) FROM schema_migrations")
[ "$migrations" = t ] || fail "schema_migrations has duplicates"

H=(-sS --max-time 30 -H "Authorization: Bearer $key" -H "x-extend-api-version: 2026-02-09")
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
head -c 2600000 /dev/urandom >"$work/upload.bin"  # three 1 MiB chunks
id=$(curl "${H[@]}" -F "file=@$work/upload.bin" "$A/files/upload" | json 'd["id"]') || fail "upload on A"
listed=$(curl "${H[@]}" "$B/files?limit=10" | json '" ".join(f["id"] for f in d["data"])')
[[ " $listed " == *" $id "* ]] || fail "file uploaded on A not listed on B"
presigned=$(curl "${H[@]}" "$B/files/$id" | json 'd["presignedUrl"]') || fail "get on B"
curl -sS --max-time 30 -o "$work/download.bin" "$presigned" || fail "download from B"
cmp -s "$work/upload.bin" "$work/download.bin" || fail "bytes downloaded from B differ from those uploaded to A"
curl "${H[@]}" -X DELETE "$B/files/$id" >/dev/null || fail "delete on B"
status=$(curl "${H[@]}" -o /dev/null -w '%{http_code}' "$A/files/$id")
[ "$status" = 404 ] || fail "file deleted on B still answers $status on A"
echo "two_nodes: ok (concurrent start, one default workspace, upload on A / download on B, delete on B seen by A)"
