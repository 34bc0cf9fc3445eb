// Migrations 800-899: the rest of the Extend surface. Batches of processor runs
// (POST /extract_runs/batch, ...): one row per batch, and each run names its batch.
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
  };
}

}  // namespace goldset::store
