// The migrations of each module, in version ranges that never overlap:
// 1-99 foundation, 100-199 processors, 200-299 evaluation, 300-399 webhooks,
// 400-499 leases (claim bookkeeping of jobs/ and webhooks/), 500-599 key management (admin keys, last use),
// 600-699 versions (set versions, item history), 700-799 metrics (run analyses), 800-899 surface
// (batches of processor runs), 900-999 pgspeed.
// Append only: never edit a migration that has shipped.
#pragma once

#include <vector>

namespace goldset::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // portable SQL; {BLOB} becomes BLOB or BYTEA
  // Run on PostgreSQL only; SQLite records the version without running it (a schema
  // difference between the backends that the migration's comment justifies).
  bool postgres_only = false;
};

std::vector<Migration> FoundationMigrations();
std::vector<Migration> ProcessorsMigrations();
std::vector<Migration> EvaluationMigrations();
std::vector<Migration> WebhooksMigrations();
std::vector<Migration> LeasesMigrations();
std::vector<Migration> KeysMigrations();
std::vector<Migration> SurfaceMigrations();
std::vector<Migration> VersionsMigrations();
std::vector<Migration> MetricsMigrations();
std::vector<Migration> PgspeedMigrations();

}  // namespace goldset::store
