// Migrations 700-799: metrics beyond the contract's (docs/metrics.md). Run analyses: the
// default parameter set is written when the run finishes (and when a rescored run
// does), other parameter sets on first request; a finished run's analysis never changes.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> MetricsMigrations() {
  return {
      {700, "run_analyses", R"SQL(
CREATE TABLE run_analyses (
  run_id TEXT NOT NULL,
  parameters TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, parameters)
);
)SQL"},
  };
}

}  // namespace goldset::store
