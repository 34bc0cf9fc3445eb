// Migrations 800-899: the rest of the Extend surface. Batches of processor runs
// (POST /extract_runs/batch, ...): one row per batch, and each run names its batch; a
// batch records when its last run ended (its webhook event is decided then, once).
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> SurfaceMigrations() {
  return {
      {800, "processor_run_batches", R"SQL(
CREATE TABLE processor_run_batches (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
ALTER TABLE processor_runs ADD COLUMN batch_id TEXT;
CREATE INDEX processor_runs_batch ON processor_runs(batch_id, status);
)SQL"},
      // Set by the transaction that ends a batch's last unfinished run, which enqueues
      // batch_processor_run.* in the same commit; NULL while runs are unfinished. Batches
      // already over are marked, so they never send an event late.
      {801, "processor_run_batch_end", R"SQL(
ALTER TABLE processor_run_batches ADD COLUMN ended_at BIGINT;
UPDATE processor_run_batches SET ended_at = created_at WHERE NOT EXISTS (
  SELECT 1 FROM processor_runs WHERE processor_runs.batch_id = processor_run_batches.id
  AND processor_runs.status IN ('PENDING', 'PROCESSING'));
)SQL"},
  };
}

}  // namespace goldset::store
