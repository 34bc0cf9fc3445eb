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
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> PgspeedMigrations() {
  return {
      {900, "run_items_without_run_fk", R"SQL(
ALTER TABLE evaluation_run_items DROP CONSTRAINT IF EXISTS evaluation_run_items_run_id_fkey;
)SQL",
       /*postgres_only=*/true},
  };
}

}  // namespace goldset::store
