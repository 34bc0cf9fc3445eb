// ApiKeyCache: recently authenticated API keys, so that a request costs neither a key hash
// nor a database read. Entries live `ttl_ms`: a key revoked by `goldset keys revoke` (in
// any process, on any node) stops working within ttl_ms. Only successful lookups are
// cached. ttl_ms <= 0 disables the cache.
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string_view>

#include "common/string_map.h"
#include "model/records.h"

namespace goldset::api {

class ApiKeyCache {
 public:
  explicit ApiKeyCache(int64_t ttl_ms, size_t max_entries = 10000) : ttl_ms_(ttl_ms), max_entries_(max_entries) {}

  // The cached key record for the plaintext `key` if it was stored less than ttl_ms ago.
  std::shared_ptr<const model::ApiKey> Find(std::string_view key, int64_t now_ms) const;
  void Put(std::string_view key, std::shared_ptr<const model::ApiKey> record, int64_t now_ms);

 private:
  struct Entry {
    std::shared_ptr<const model::ApiKey> record;
    int64_t expires_ms;
  };
  const int64_t ttl_ms_;
  const size_t max_entries_;
  mutable std::shared_mutex mu_;
  StringMap<Entry> entries_;  // keyed by the plaintext key
};

}  // namespace goldset::api
