// Migrations 1-99: tenancy, files, blobs, parse cache.
#include "store/migration_list.h"

namespace goldset::store {

std::vector<Migration> FoundationMigrations() {
  return {
      {1, "foundation", R"SQL(
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  workspace_id TEXT REFERENCES workspaces(id),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  type TEXT,
  mime_type TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  page_count INTEGER,
  password TEXT,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX files_ws_created ON files(workspace_id, created_at, id);
CREATE INDEX files_ws_updated ON files(workspace_id, updated_at, id);
CREATE INDEX files_sha ON files(content_sha256);
CREATE TABLE blobs (
  sha256 TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  data {BLOB} NOT NULL,
  PRIMARY KEY (sha256, chunk)
);
CREATE TABLE parse_cache (
  cache_key TEXT PRIMARY KEY,
  document {BLOB} NOT NULL,
  created_at BIGINT NOT NULL
);
)SQL"},
  };
}

}  // namespace goldset::store
