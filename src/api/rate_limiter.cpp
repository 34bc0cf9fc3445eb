#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "common/clock.h"

namespace goldset::api {

int RateLimiter::Take(const std::string& org_id, int category, double rate, double burst) {
  if (rate <= 0) return 0;  // unlimited
  burst = std::max(1.0, burst);  // below one token no request could ever pass
  int64_t now = MonotonicMillis();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace({org_id, category}, Bucket{burst, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst, b.tokens + (now - b.last_ms) * rate / 1000.0);
  b.last_ms = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate)));
}

}  // namespace goldset::api
