#!/usr/bin/env bash
# bench/scale: EXPLAIN (ANALYZE, BUFFERS) of the hot queries, on a database where
# throughput.mjs or scale.mjs left a set, a finished run and files (docs/postgresql.md
# records the output). Writes run inside BEGIN … ROLLBACK, so nothing changes.
# Usage: bench/scale/explain.sh postgresql://…/db
set -euo pipefail
db=${1:?usage: explain.sh DATABASE_URL}
q() { psql -X -A -t -q "$db" -c "$1"; }
set_id=$(q "SELECT set_id FROM evaluation_set_items GROUP BY set_id ORDER BY COUNT(*) DESC LIMIT 1")
ws=$(q "SELECT workspace_id FROM evaluation_sets WHERE id = '$set_id'")
run_id=$(q "SELECT id FROM evaluation_runs WHERE set_id = '$set_id' ORDER BY created_at DESC LIMIT 1")
item_id=$(q "SELECT item_id FROM evaluation_run_items WHERE run_id = '$run_id' ORDER BY seq LIMIT 1")
cursor=$(q "SELECT updated_at || ',' || id FROM evaluation_set_items WHERE set_id = '$set_id' ORDER BY updated_at DESC, id DESC OFFSET 500 LIMIT 1")
files=$(q "SELECT string_agg(DISTINCT quote_literal(file_id), ', ') FROM evaluation_set_items WHERE set_id = '$set_id'")
key=$(q "SELECT cache_key FROM parse_cache LIMIT 1")
explain() {
  echo "### $1"
  echo '```'
  psql -X -q "$db" -c "BEGIN" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2" -c "ROLLBACK" | grep -v '^\(BEGIN\|ROLLBACK\)$'
  echo '```'
}
# A run's items back to PENDING inside the transaction, so the claim has work to find.
reset="UPDATE evaluation_run_items SET status = 'PENDING', next_attempt_at = 0 WHERE run_id = '$run_id';"
echo "### claim a batch (RunStore::ClaimItems on PostgreSQL: expired leases first, none here, then 32 due items, and the runs' move out of PENDING; one statement, no transaction)"
echo '```'
psql -X -q "$db" -c "BEGIN" -c "$reset" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH picked AS MATERIALIZED (SELECT run_id, item_id, 0 AS expired_last, next_attempt_at, seq FROM (SELECT run_id, item_id, next_attempt_at, seq FROM evaluation_run_items WHERE status = 'PROCESSING' AND lease_until < 1 ORDER BY next_attempt_at, run_id, seq LIMIT 32 FOR UPDATE SKIP LOCKED) expired UNION ALL SELECT run_id, item_id, 1, next_attempt_at, seq FROM (SELECT run_id, item_id, next_attempt_at, seq FROM evaluation_run_items WHERE status = 'PENDING' AND next_attempt_at <= 9999999999999 ORDER BY next_attempt_at, run_id, seq LIMIT 32 FOR UPDATE SKIP LOCKED) due), chosen AS (SELECT run_id, item_id, seq FROM picked ORDER BY expired_last, next_attempt_at, run_id, seq LIMIT 32), claimed AS (UPDATE evaluation_run_items SET status = 'PROCESSING', lease_owner = 'w', lease_node = 'n', lease_until = 1, attempts = attempts + 1, updated_at = 1 WHERE (run_id, item_id, seq) IN (SELECT run_id, item_id, seq FROM chosen) RETURNING run_id, item_id, seq), started AS (UPDATE evaluation_runs SET status = 'PROCESSING', updated_at = 1 WHERE status = 'PENDING' AND id IN (SELECT run_id FROM claimed)) SELECT run_id, item_id, seq FROM claimed" -c "ROLLBACK" | grep -v '^\(BEGIN\|ROLLBACK\|UPDATE [0-9]*\)$'
echo '```'
# 32 of the run's items claimed by 'w' inside the transaction, then landed as
# RunStore::CompleteItemsInOneStatement does: the items and their run's counters in one statement.
values=$(q "SELECT string_agg(format('(CAST(%L AS TEXT), CAST(%L AS TEXT), CAST(''w'' AS TEXT), CAST(''PROCESSED'' AS TEXT), CAST(''{}'' AS TEXT), CAST(''{}'' AS TEXT), CAST(1 AS INTEGER), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(1 AS BIGINT), CAST(1 AS INTEGER))', run_id, item_id), ', ') FROM (SELECT run_id, item_id FROM evaluation_run_items WHERE run_id = '$run_id' ORDER BY seq LIMIT 32) t")
held="UPDATE evaluation_run_items SET status = 'PROCESSING', lease_owner = 'w' WHERE run_id = '$run_id' AND seq <= 32;"
echo "### land a batch and count it (RunStore::CompleteItems on PostgreSQL: 32 items and their run's counters in one statement)"
echo '```'
psql -X -q "$db" -c "BEGIN" -c "$held" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH landed AS (UPDATE evaluation_run_items SET status = v.column4, output = v.column5, result = v.column6, correct = v.column7, error_code = v.column8, error_message = v.column9, latency_ms = v.column10, num_pages = v.column11, lease_until = NULL, updated_at = 1 FROM (VALUES $values) AS v WHERE evaluation_run_items.run_id = v.column1 AND evaluation_run_items.item_id = v.column2 AND evaluation_run_items.lease_owner = v.column3 AND evaluation_run_items.status = 'PROCESSING' RETURNING evaluation_run_items.run_id, evaluation_run_items.item_id, v.column4 = 'FAILED' AS failed), counted AS (SELECT run_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE failed) AS failed, json_agg(item_id)::text AS ids FROM landed GROUP BY run_id), locked AS (SELECT id FROM evaluation_runs WHERE id IN (SELECT run_id FROM counted) ORDER BY id FOR UPDATE) UPDATE evaluation_runs SET num_done = num_done + counted.n, num_failed = num_failed + counted.failed, updated_at = 1 FROM counted WHERE evaluation_runs.id = counted.run_id AND evaluation_runs.id IN (SELECT id FROM locked) RETURNING id, num_done, counted.ids" -c "ROLLBACK" | grep -v '^\(BEGIN\|ROLLBACK\|UPDATE [0-9]*\)$'
echo '```'
explain "renew a lease (LeaseKeeper, every lease/3 per item held)" \
  "UPDATE evaluation_run_items SET lease_until = 1 WHERE run_id = '$run_id' AND item_id = '$item_id' AND lease_owner = 'w' AND status = 'PROCESSING'"
explain "the batch's files (FileStore::GetMany)" \
  "SELECT id, workspace_id, name, type, mime_type, content_sha256, size_bytes, page_count, password, created_by, created_at, updated_at FROM files WHERE workspace_id = '$ws' AND id IN ($files)"
explain "parse cache (on a ParseMemo miss)" "SELECT document FROM parse_cache WHERE cache_key = '$key'"
explain "list items, page 1 (EvaluationStore::ListItems: the set's workspace checked in the same statement)" \
  "SELECT id, workspace_id, set_id, file_id, file_ids, expected_output, created_by, created_at, updated_at FROM evaluation_set_items WHERE set_id = '$set_id' AND EXISTS (SELECT 1 FROM evaluation_sets WHERE id = '$set_id' AND workspace_id = '$ws') ORDER BY updated_at DESC, id DESC LIMIT 101"
explain "list items, a later page (keyset cursor)" \
  "SELECT id, workspace_id, set_id, file_id, file_ids, expected_output, created_by, created_at, updated_at FROM evaluation_set_items WHERE set_id = '$set_id' AND EXISTS (SELECT 1 FROM evaluation_sets WHERE id = '$set_id' AND workspace_id = '$ws') AND (updated_at, id) < (${cursor%%,*}, '${cursor#*,}') ORDER BY updated_at DESC, id DESC LIMIT 101"
explain "results page / metrics scan (ForEachFinishedItem)" \
  "SELECT run_id, item_id, seq, output, result FROM evaluation_run_items WHERE run_id = '$run_id' AND seq > 0 AND status IN ('PROCESSED', 'FAILED') ORDER BY seq LIMIT 1000"
explain "run creation (RunStore::CreateRun; inside the transaction that inserted the run)" \
  "INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, file_ids, expected_output, status, attempts, next_attempt_at, updated_at) SELECT '$run_id', id || 'x', ROW_NUMBER() OVER (ORDER BY created_at, id), workspace_id, file_id, file_ids, expected_output, 'PENDING', 0, 1, 1 FROM evaluation_set_items WHERE set_id = '$set_id'"
