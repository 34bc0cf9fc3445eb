// SQLite backend: WAL mode, foreign keys on, busy timeout, one connection per user.
// Thread-safe (see store/database.h).
#pragma once

#include <memory>
#include <string>

#include "store/database.h"

namespace goldset::store {

// Opens (creating if needed) the database file at `path`.
StatusOr<std::shared_ptr<Database>> OpenSqlite(const std::string& path);

}  // namespace goldset::store
