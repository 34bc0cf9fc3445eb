#include "api/key_cache.h"

#include <mutex>

namespace goldset::api {

std::shared_ptr<const model::ApiKey> ApiKeyCache::Find(std::string_view key, int64_t now_ms) const {
  if (ttl_ms_ <= 0) return nullptr;
  std::shared_lock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.expires_ms <= now_ms) return nullptr;
  return it->second.record;
}

void ApiKeyCache::Put(std::string_view key, std::shared_ptr<const model::ApiKey> record, int64_t now_ms) {
  if (ttl_ms_ <= 0) return;
  std::unique_lock lock(mu_);
  // Many distinct valid keys within one TTL is unusual; start over rather than track age.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.insert_or_assign(std::string(key), Entry{std::move(record), now_ms + ttl_ms_});
}

}  // namespace goldset::api
