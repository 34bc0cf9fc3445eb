// Versioned schema migrations, one list for both backends.
//
// Each migration is portable SQL with a few type tokens that the backend substitutes
// ({BLOB} -> BLOB | BYTEA). Migrations are applied in order inside a write transaction
// and recorded in schema_migrations; applying twice is a no-op.
#pragma once

#include "store/database.h"

namespace goldset::store {

// Applies every migration not yet recorded. Returns the number applied.
StatusOr<int> ApplyMigrations(Database& db);
int LatestMigrationVersion();

}  // namespace goldset::store
