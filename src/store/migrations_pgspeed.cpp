// Migrations 900-999: PostgreSQL speed (docs/postgresql.md).
// 900: run items lose their foreign key to their run on PostgreSQL. Its check was a
// trigger call and a key-share lookup of the run per inserted item, about a third of
// creating a run (docs/postgresql.md, run creation). What it guarded holds without it:
// run items are written only in a transaction that has the run row (RunStore::CreateRun
// inserts the run and its items together; RescoreStore::InsertItems updates the run row
// first and writes nothing when it is gone), and the only path that deletes runs
// (DeleteSetsWithRuns) locks them and deletes their items in the same transaction. The
// doctor's integrity check reports any run item whose run is gone. SQLite keeps the key:
// there it costs a primary-key probe per item, not a trigger.
// 901 (both backends): the queue's index, (status, next_attempt_at, run_id, seq) over every
// run item, becomes two partial indexes over the open ones only: due items in claim order
// (WHERE status = 'PENDING') and leases by expiry (WHERE status = 'PROCESSING'). A finished
// item leaves both, so a landing writes two index entries instead of three (a status change
// is never a HOT update on PostgreSQL: every index gets the new row version) and the claims
// search an index the size of the queue, not of every run ever made. The landing statement
// on PostgreSQL ran 10-35% faster per call (docs/postgresql.md). Every query on the queue
// names its status as a literal (status = 'PENDING'), which both backends need to pick a
// partial index.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> PgspeedMigrations() {
  return {
      {900, "run_items_without_run_fk", R"SQL(
ALTER TABLE evaluation_run_items DROP CONSTRAINT IF EXISTS evaluation_run_items_run_id_fkey;
)SQL",
       /*postgres_only=*/true},
      {901, "run_items_queue_indexes", R"SQL(
DROP INDEX IF EXISTS evaluation_run_items_claim;
CREATE INDEX evaluation_run_items_pending ON evaluation_run_items(next_attempt_at, run_id, seq) WHERE status = 'PENDING';
CREATE INDEX evaluation_run_items_processing ON evaluation_run_items(lease_until) WHERE status = 'PROCESSING';
)SQL"},
  };
}

}  // namespace goldset::store
