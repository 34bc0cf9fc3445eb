// Token buckets per (organization, category). Refill at `rate` tokens/s up to `burst`.
// Thread-safe. In-process: with several API nodes each node enforces its own buckets.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "common/string_map.h"

namespace goldset::api {

class RateLimiter {
 public:
  // Tries to take one token. Returns 0 when admitted, else the whole seconds to wait.
  int Take(const std::string& org_id, int category, double rate, double burst);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ms = -1;  // -1: not used yet (starts full)
  };
  static constexpr int kCategories = 4;
  std::mutex mu_;
  // Looked up by string_view: admitting a request allocates nothing.
  StringMap<std::array<Bucket, kCategories>> buckets_;
};

}  // namespace goldset::api
