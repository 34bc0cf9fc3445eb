#include "store/migrations.h"

#include <string>
#include <vector>

namespace goldset::store {

namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: never edit a migration that has shipped.
const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
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
  return kMigrations;
}

std::string Substitute(std::string sql, Backend backend) {
  const std::string token = "{BLOB}";
  const std::string repl = backend == Backend::kPostgres ? "BYTEA" : "BLOB";
  for (size_t pos; (pos = sql.find(token)) != std::string::npos;) sql.replace(pos, token.size(), repl);
  return sql;
}

}  // namespace

int LatestMigrationVersion() { return AllMigrations().back().version; }

StatusOr<int> ApplyMigrations(Database& db) {
  {
    auto conn = db.Acquire();
    GOLDSET_RETURN_IF_ERROR(conn->ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)"));
  }
  int applied = 0;
  for (const Migration& m : AllMigrations()) {
    bool did = false;
    Status st = db.InTransaction(true, [&](Connection& c) -> Status {
      auto rows = c.Query("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{m.version}});
      if (!rows.ok()) return rows.status();
      if (!rows->empty()) return Status::OK();
      GOLDSET_RETURN_IF_ERROR(c.ExecScript(Substitute(m.sql, db.backend())));
      did = true;
      return c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    {int64_t{m.version}, std::string(m.name), int64_t{0}});
    });
    if (!st.ok()) return st.WithContext("migration " + std::to_string(m.version) + " (" + m.name + ")");
    if (did) ++applied;
  }
  return applied;
}

}  // namespace goldset::store
