#include "store/parse_cache_store.h"

namespace goldset::store {

std::optional<std::string> GetParseCacheEntry(Database& db, const std::string& key) {
  auto rows = db.Acquire()->Query("SELECT document FROM parse_cache WHERE cache_key = ?", {key});
  if (!rows.ok() || rows->empty()) return std::nullopt;
  return rows->front().Text(0);
}

void PutParseCacheEntry(Database& db, const std::string& key, const std::string& value) {
  (void)db.InTransaction(true, [&](Connection& c) {
    return c.Exec(
        "INSERT INTO parse_cache (cache_key, document, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (cache_key) DO NOTHING",
        {key, Blob{value}, int64_t{0}});
  });
}

}  // namespace goldset::store
