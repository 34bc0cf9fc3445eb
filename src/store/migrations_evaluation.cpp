// Migrations 200-299: evaluation sets, items, runs and run items.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> EvaluationMigrations() {
  return {
      {200, "evaluation", R"SQL(
CREATE TABLE evaluation_sets (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  entity_kind TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX evaluation_sets_ws_created ON evaluation_sets(workspace_id, created_at, id);
CREATE INDEX evaluation_sets_ws_updated ON evaluation_sets(workspace_id, updated_at, id);
CREATE INDEX evaluation_sets_entity ON evaluation_sets(workspace_id, entity_id);
CREATE TABLE evaluation_set_items (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  set_id TEXT NOT NULL REFERENCES evaluation_sets(id),
  file_id TEXT,
  file_ids TEXT,
  expected_output TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX evaluation_set_items_set_created ON evaluation_set_items(set_id, created_at, id);
CREATE INDEX evaluation_set_items_set_updated ON evaluation_set_items(set_id, updated_at, id);
CREATE INDEX evaluation_set_items_file ON evaluation_set_items(file_id);
CREATE TABLE evaluation_runs (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  set_id TEXT NOT NULL REFERENCES evaluation_sets(id),
  entity_kind TEXT NOT NULL,
  entity_json TEXT NOT NULL,
  entity_version_json TEXT NOT NULL,
  config TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL,
  failure_message TEXT,
  num_items BIGINT NOT NULL,
  num_done BIGINT NOT NULL DEFAULT 0,
  num_failed BIGINT NOT NULL DEFAULT 0,
  metrics TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX evaluation_runs_ws_created ON evaluation_runs(workspace_id, created_at, id);
CREATE INDEX evaluation_runs_ws_updated ON evaluation_runs(workspace_id, updated_at, id);
CREATE INDEX evaluation_runs_set ON evaluation_runs(set_id, created_at, id);
CREATE TABLE evaluation_run_items (
  run_id TEXT NOT NULL REFERENCES evaluation_runs(id),
  item_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  workspace_id TEXT NOT NULL,
  file_id TEXT,
  file_ids TEXT,
  expected_output TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  output TEXT,
  result TEXT,
  correct INTEGER,
  error_code TEXT,
  error_message TEXT,
  latency_ms BIGINT,
  num_pages INTEGER,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, item_id)
);
CREATE INDEX evaluation_run_items_claim ON evaluation_run_items(status, next_attempt_at, run_id, seq);
CREATE INDEX evaluation_run_items_seq ON evaluation_run_items(run_id, seq);
)SQL"},
      {201, "processor_runs", R"SQL(
CREATE TABLE processor_runs (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  processor_json TEXT,
  version_json TEXT,
  config TEXT NOT NULL,
  file_id TEXT NOT NULL,
  metadata TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  next_attempt_at BIGINT NOT NULL,
  output TEXT,
  failure_reason TEXT,
  failure_message TEXT,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX processor_runs_claim ON processor_runs(status, next_attempt_at, id);
CREATE INDEX processor_runs_ws_created ON processor_runs(workspace_id, kind, created_at, id);
CREATE INDEX processor_runs_ws_updated ON processor_runs(workspace_id, kind, updated_at, id);
)SQL"},
      // Comparisons of two finished runs (immutable), stored once computed (audit F25a).
      {202, "run_comparisons", R"SQL(
CREATE TABLE run_comparisons (
  run_id TEXT NOT NULL,
  baseline_run_id TEXT NOT NULL,
  parameters TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, baseline_run_id, parameters)
);
)SQL"},
  };
}

}  // namespace goldset::store
