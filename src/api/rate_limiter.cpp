#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "common/clock.h"

namespace goldset::api {

int RateLimiter::Take(const std::string& org_id, int category, double rate, double burst) {
  if (rate <= 0) return 0;       // unlimited
  burst = std::max(1.0, burst);  // below one token no request could ever pass
  int64_t now = MonotonicMillis();
  if (category < 0 || category >= kCategories) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string_view(org_id));
  if (it == buckets_.end()) it = buckets_.emplace(org_id, std::array<Bucket, kCategories>{}).first;
  Bucket& b = it->second[static_cast<size_t>(category)];
  if (b.last_ms < 0) b = Bucket{burst, now};
  b.tokens = std::min(burst, b.tokens + (now - b.last_ms) * rate / 1000.0);
  b.last_ms = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate)));
}

}  // namespace goldset::api
