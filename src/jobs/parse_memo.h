// ParseMemo: this process's most recently used parse-cache entries, in memory.
//
// Workers look a parsed document up by its parse-cache key before every item; with the
// store's cache alone that is a database round trip per item (PostgreSQL: over the
// network), plus reading the file's bytes when it misses. A key names the content, the
// password and every parse setting (parse::ParseCacheKey), so an entry never goes stale
// and the memo needs no invalidation. Per-workspace like the keys themselves.
//
// Bounded: at most max_bytes of values in total (least recently used dropped first);
// values over max_entry_bytes are not kept. Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace goldset::jobs {

class ParseMemo {
 public:
  explicit ParseMemo(size_t max_bytes = size_t{16} << 20, size_t max_entry_bytes = size_t{1} << 20)
      : max_bytes_(max_bytes), max_entry_bytes_(max_entry_bytes) {}
  std::optional<std::string> Get(const std::string& key);
  void Put(const std::string& key, const std::string& value);
  size_t bytes() const;

 private:
  using Entry = std::pair<std::string, std::string>;  // key, value
  const size_t max_bytes_, max_entry_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;                                               // most recent first; guarded by mu_
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
  size_t bytes_ = 0;                                                   // sum of value sizes; guarded by mu_
};

}  // namespace goldset::jobs
