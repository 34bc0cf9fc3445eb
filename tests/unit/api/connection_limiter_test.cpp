// Audit F3/F16: the connection limits and the request guard.
#include "api/connection_limiter.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "api/request_guard.h"
#include "common/json.h"

namespace goldset::api {
namespace {

using Verdict = ConnectionLimiter::Verdict;

TEST(ConnectionLimiter, F3_TotalAndPerPeerLimitsAndRelease) {
  ConnectionLimiter limiter(5, 2);
  Verdict v;
  std::vector<ConnectionLimiter::Slot> held;
  held.push_back(limiter.TryAcquire("10.0.0.1", &v));
  held.push_back(limiter.TryAcquire("::ffff:10.0.0.1", &v));  // the same peer, IPv4-mapped
  EXPECT_EQ(v, Verdict::kAdmitted);
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1", &v).held());  // per peer: limit + 1
  EXPECT_EQ(v, Verdict::kPeerFull);
  held.push_back(limiter.TryAcquire("2001:db8:0:1::a", &v));
  held.push_back(limiter.TryAcquire("2001:db8:0:1::b", &v));  // same /64
  EXPECT_FALSE(limiter.TryAcquire("2001:db8:0:1:ffff::c", &v).held());
  EXPECT_EQ(v, Verdict::kPeerFull);
  held.push_back(limiter.TryAcquire("2001:db8:0:2::a", &v));  // another /64
  EXPECT_EQ(v, Verdict::kAdmitted);
  EXPECT_EQ(limiter.open(), 5);
  EXPECT_FALSE(limiter.TryAcquire("192.0.2.9", &v).held());  // total: limit + 1
  EXPECT_EQ(v, Verdict::kServerFull);
  EXPECT_TRUE(limiter.UnderPressure());
  held.erase(held.begin());  // a connection closes: its place is free again
  EXPECT_EQ(limiter.open(), 4);
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.1", &v).held());  // and released at once (temporary)
  EXPECT_EQ(limiter.open(), 4);
  held.clear();
  EXPECT_EQ(limiter.open(), 0);
  EXPECT_FALSE(limiter.UnderPressure());
}

TEST(ConnectionLimiter, F3_PressureAboveThreeQuarters) {
  ConnectionLimiter limiter(20, 20);
  Verdict v;
  std::vector<ConnectionLimiter::Slot> held;
  for (int i = 0; i < 15; ++i) held.push_back(limiter.TryAcquire("127.0.0.1", &v));
  EXPECT_FALSE(limiter.UnderPressure());  // 75% exactly
  held.push_back(limiter.TryAcquire("127.0.0.1", &v));
  EXPECT_TRUE(limiter.UnderPressure());
}

TEST(ConnectionLimiter, PeerKeys) {
  EXPECT_EQ(ConnectionLimiter::PeerKey("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ConnectionLimiter::PeerKey("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ConnectionLimiter::PeerKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(ConnectionLimiter::PeerKey("::1"), "::/64");
}

TEST(ConnectionLimiter, F3_DefaultsLeaveDescriptorsForTheRestOfTheServer) {
  // ulimit -n 100 (the audit's R3): a quarter, since the reserve alone exceeds the limit.
  ConnectionLimits low = DefaultConnectionLimits(100, 9);
  EXPECT_EQ(low.max_total, 25);
  EXPECT_EQ(low.max_per_peer, 8);
  // 1024 (a common default): everything but the reserve (128 + 4 per thread).
  ConnectionLimits common = DefaultConnectionLimits(1024, 10);
  EXPECT_EQ(common.max_total, 1024 - 168);
  EXPECT_EQ(common.max_per_peer, (1024 - 168) / 4);
  // Large limits are capped (each idle connection holds a read buffer).
  EXPECT_EQ(DefaultConnectionLimits(1 << 20, 10).max_total, 10000);
  EXPECT_EQ(DefaultPerPeerLimit(4), 4);
}

TEST(RequestGuard, F3_AnExceptionBecomesARetryable503) {
  Response ok = GuardRequest("test", "req_1", [] {
    Response r;
    r.status = 201;
    return r;
  });
  EXPECT_EQ(ok.status, 201);
  for (int kind = 0; kind < 2; ++kind) {
    Response r = GuardRequest("test", "req_2", [&]() -> Response {
      if (kind == 0) throw std::runtime_error("unable to open database file \"x\"");
      throw 42;
    });
    EXPECT_EQ(r.status, 503);
    auto body = ParseJson(r.body);
    ASSERT_TRUE(body.ok()) << r.body;
    EXPECT_EQ(body->at("code"), "SERVICE_UNAVAILABLE");
    EXPECT_EQ(body->at("retryable"), true);
    EXPECT_EQ(body->at("requestId"), "req_2");
    EXPECT_EQ(std::string(body->at("message").as_string()).find("database"),
              std::string::npos);  // details stay in the log
  }
}

}  // namespace
}  // namespace goldset::api
