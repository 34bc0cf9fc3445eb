// The parse_cache table: parsed documents and rendered page images, keyed by
// parse::ParseCacheKey / parse::PageImageCacheKey (which scope a key to a workspace and a
// password). The one place that issues its SQL.
// Thread-safety: each call takes its own connection from `db`; a key is written once (a
// concurrent second Put of the same key is a no-op), so readers never see a torn value.
#pragma once

#include <optional>
#include <string>

#include "store/database.h"

namespace goldset::store {

// The cached value for `key`, or nullopt when there is none (or the store is unreadable: the
// cache is an optimisation, so its errors only cost a recomputation).
std::optional<std::string> GetParseCacheEntry(Database& db, const std::string& key);
// Stores `value` under `key` unless one is there already. Errors are ignored, as above.
void PutParseCacheEntry(Database& db, const std::string& key, const std::string& value);

}  // namespace goldset::store
