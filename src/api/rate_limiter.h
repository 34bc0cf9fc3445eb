// Token buckets per (organization, category). Refill at `rate` tokens/s up to `burst`.
// Thread-safe. In-process: with several API nodes each node enforces its own buckets.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace goldset::api {

class RateLimiter {
 public:
  // Tries to take one token. Returns 0 when admitted, else the whole seconds to wait.
  int Take(const std::string& org_id, int category, double rate, double burst);

 private:
  struct Bucket {
    double tokens;
    int64_t last_ms;
  };
  std::mutex mu_;
  std::map<std::pair<std::string, int>, Bucket> buckets_;
};

}  // namespace goldset::api
