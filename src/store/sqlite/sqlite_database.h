// SQLite backend: WAL mode, foreign keys on, busy timeout, pooled connections, and read
// batches (one connection per batching thread).
// Thread-safe (see store/database.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "store/database.h"

namespace goldset::store {

struct SqliteOptions {
  // A read batch's shared snapshot is renewed at least this often, so a commit by another
  // process (a CLI command) becomes visible within this bound even on a loop that never
  // idles (see Database::BeginReadBatch).
  std::chrono::milliseconds read_batch_snapshot_max_age{5};
};

// Opens (creating if needed) the database file at `path`.
StatusOr<std::shared_ptr<Database>> OpenSqlite(const std::string& path, const SqliteOptions& options = {});

}  // namespace goldset::store
