#include "api/rate_limiter.h"

#include <gtest/gtest.h>

namespace goldset::api {
namespace {

TEST(RateLimiter, BurstThenRetryAfterPerOrganizationAndCategory) {
  RateLimiter limiter;
  // rate 1/s, burst 3: three admitted at once, the fourth waits about a second.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("org_a", 1, 1.0, 3.0), 0) << i;
  EXPECT_GE(limiter.Take("org_a", 1, 1.0, 3.0), 1);
  // Other categories and other organizations have their own buckets.
  EXPECT_EQ(limiter.Take("org_a", 2, 1.0, 3.0), 0);
  EXPECT_EQ(limiter.Take("org_b", 1, 1.0, 3.0), 0);
}

TEST(RateLimiter, ZeroRateIsUnlimitedAndTinyBurstAdmitsOne) {
  RateLimiter limiter;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.Take("org", 1, 0.0, 0.0), 0);
  EXPECT_EQ(limiter.Take("org", 3, 0.1, 0.2), 0) << "a burst below one token still admits the first request";
  EXPECT_GE(limiter.Take("org", 3, 0.1, 0.2), 1);
}

TEST(RateLimiter, UnknownCategoryIsNotLimited) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Take("org", 7, 1.0, 1.0), 0);
  EXPECT_EQ(limiter.Take("org", -1, 1.0, 1.0), 0);
}

}  // namespace
}  // namespace goldset::api
