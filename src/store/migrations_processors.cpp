// Migrations 100-199: extractors, classifiers, splitters and their versions.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> ProcessorsMigrations() {
  return {
      // One table for the three kinds: they share every column and every rule.
      // The draft lives on the processor row (it is the only mutable version);
      // processor_versions holds published versions, which are never updated.
      // Deletion is soft (deleted_at) so runs that evaluated a processor can still
      // name it.
      {100, "processors", R"SQL(
CREATE TABLE processors (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  draft_version_id TEXT NOT NULL UNIQUE,
  draft_config TEXT NOT NULL,
  draft_updated_by TEXT,
  draft_updated_at BIGINT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT
);
CREATE INDEX processors_ws_kind_created ON processors(workspace_id, kind, created_at, id);
CREATE INDEX processors_ws_kind_updated ON processors(workspace_id, kind, updated_at, id);
CREATE TABLE processor_versions (
  id TEXT PRIMARY KEY,
  processor_id TEXT NOT NULL REFERENCES processors(id),
  major INTEGER NOT NULL,
  minor INTEGER NOT NULL,
  version TEXT NOT NULL,
  description TEXT,
  config TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (processor_id, major, minor)
);
)SQL"},
  };
}

}  // namespace goldset::store
