#include "store/migrations.h"

#include "store/migration_list.h"

#include "common/clock.h"

#include <algorithm>
#include <string>
#include <vector>

namespace goldset::store {

namespace {

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = [] {
    std::vector<Migration> all;
    for (auto part : {FoundationMigrations(), ProcessorsMigrations(), EvaluationMigrations(), WebhooksMigrations(),
                      LeasesMigrations(), KeysMigrations(), SurfaceMigrations(), VersionsMigrations(),
                      MetricsMigrations(), PgspeedMigrations()})
      all.insert(all.end(), part.begin(), part.end());
    std::sort(all.begin(), all.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return all;
  }();
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
  // Several nodes may start at once: the lock makes one of them migrate and the others
  // find everything recorded. Each migration and its record commit together.
  int applied = 0;
  Status st = db.WithMigrationLock([&]() -> Status {
    GOLDSET_RETURN_IF_ERROR(db.InTransaction(true, [&](Connection& c) {
      return c.ExecScript(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
          "NULL, applied_at BIGINT NOT NULL)");
    }));
    for (const Migration& m : AllMigrations()) {
      bool did = false;
      Status st = db.InTransaction(true, [&](Connection& c) -> Status {
        did = false;
        auto rows = c.Query("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{m.version}});
        if (!rows.ok()) return rows.status();
        if (!rows->empty()) return Status::OK();
        if (!m.postgres_only || db.backend() == Backend::kPostgres)
          GOLDSET_RETURN_IF_ERROR(c.ExecScript(Substitute(m.sql, db.backend())));
        did = true;
        return c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                      {int64_t{m.version}, std::string(m.name), NowMillis()});
      });
      if (!st.ok()) return st.WithContext("migration " + std::to_string(m.version) + " (" + m.name + ")");
      if (did) ++applied;
    }
    return Status::OK();
  });
  if (!st.ok()) return st;
  return applied;
}

}  // namespace goldset::store
