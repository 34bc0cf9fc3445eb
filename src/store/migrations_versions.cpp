// Migrations 600-699: versioned evaluation sets. Every change to a set's items makes a
// new set version (evaluation_set_versions) and a new revision of each changed item
// (evaluation_item_revisions, deletions included); items carry the digest the set's
// contentHash is built from; runs record the set version they ran on, their manifest and
// the run they were re-scored from. Items that existed before get their first revision
// here (reason "create"); sets keep version 0 until their first change.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> VersionsMigrations() {
  return {
      {600, "set_versions", R"SQL(
ALTER TABLE evaluation_sets ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE evaluation_sets ADD COLUMN content_hash TEXT;
ALTER TABLE evaluation_set_items ADD COLUMN content_digest TEXT;
CREATE TABLE evaluation_set_versions (
  set_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  workspace_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  item_count BIGINT NOT NULL,
  num_created BIGINT NOT NULL,
  num_updated BIGINT NOT NULL,
  num_deleted BIGINT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (set_id, version)
);
CREATE TABLE evaluation_item_revisions (
  set_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  workspace_id TEXT NOT NULL,
  set_version BIGINT NOT NULL,
  file_id TEXT,
  file_ids TEXT,
  expected_output TEXT,
  reason TEXT NOT NULL,
  source_run_id TEXT,
  changed_by_type TEXT NOT NULL,
  changed_by_name TEXT,
  changed_at BIGINT NOT NULL,
  PRIMARY KEY (set_id, item_id, revision)
);
INSERT INTO evaluation_item_revisions (set_id, item_id, revision, workspace_id, set_version, file_id, file_ids,
  expected_output, reason, source_run_id, changed_by_type, changed_by_name, changed_at)
SELECT set_id, id, 1, workspace_id, 0, file_id, file_ids, expected_output, 'create', NULL, 'api_key', created_by, created_at
FROM evaluation_set_items;
ALTER TABLE evaluation_runs ADD COLUMN set_version BIGINT;
ALTER TABLE evaluation_runs ADD COLUMN manifest TEXT;
ALTER TABLE evaluation_runs ADD COLUMN rescored_from TEXT;
)SQL"},
  };
}

}  // namespace goldset::store
