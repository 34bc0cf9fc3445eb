// KeyUsage: when each API key was last used, recorded without a write per request.
//
// Authenticate() calls Touch() on every request. A key is marked for writing at most once
// per `interval_ms` (default one minute) on this node; marked keys are written in one
// transaction by Flush(), which a background thread calls every `flush_ms` (Start/Stop)
// and GET /api_keys calls before it lists. So a key used N times a minute costs one
// UPDATE a minute per node, and `lastUsedAt` is at most `interval_ms + flush_ms` behind.
// Memory: one entry per distinct key used on this node (bounded by `max_keys`).
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/string_map.h"
#include "store/api_key_store.h"

namespace goldset::api {

class KeyUsage {
 public:
  // REQUIRES: `store` outlives this object.
  explicit KeyUsage(store::ApiKeyStore* store, int64_t interval_ms = 60000, size_t max_keys = 100000)
      : store_(store), interval_ms_(interval_ms), max_keys_(max_keys) {}
  ~KeyUsage() { Stop(); }
  KeyUsage(const KeyUsage&) = delete;
  KeyUsage& operator=(const KeyUsage&) = delete;

  // Notes a use of `key_id` at `now_ms` (Unix milliseconds). Cheap: a lock and a lookup.
  void Touch(std::string_view key_id, int64_t now_ms);
  // Writes the pending uses. On failure they are dropped and their keys unmarked, so the
  // next use marks them again.
  Status Flush();
  // Starts the thread that flushes every flush_ms; Stop() ends it and flushes once more.
  void Start(int64_t flush_ms);
  void Stop();
  size_t pending() const;

 private:
  store::ApiKeyStore* const store_;
  const int64_t interval_ms_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  StringMap<int64_t> marked_;           // key id -> when this node last queued it (guarded by mu_)
  std::vector<store::KeyUse> pending_;  // guarded by mu_
  std::mutex flush_mu_;                 // one Flush at a time, so writes keep their order
  std::condition_variable wake_;        // with mu_
  bool stopping_ = false;               // guarded by mu_
  std::thread flusher_;
};

}  // namespace goldset::api
