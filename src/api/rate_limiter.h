// Token buckets per (organization, category). Refill at `rate` tokens/s up to `burst`.
// Thread-safe. In-process: with several API nodes each node enforces its own buckets.
#pragma once

#include <cstdint>
#include <array>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <mutex>
#include <string>

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
  struct OrgHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::mutex mu_;
  // Looked up by string_view: admitting a request allocates nothing.
  std::unordered_map<std::string, std::array<Bucket, kCategories>, OrgHash, std::equal_to<>> buckets_;
};

}  // namespace goldset::api
