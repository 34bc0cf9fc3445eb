// LeaseKeeper (store/lease_keeper.h) and CancelToken (common/cancel.h): renewals every
// third of the lease, a claim found gone or a lease that lapses cancels the work's token,
// a finished hold stops renewing.
#include "store/lease_keeper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace goldset::store {
namespace {

using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& cond, int timeout_ms = 10000) {
  const int64_t until = MonotonicMillis() + timeout_ms;
  while (MonotonicMillis() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return cond();
}

TEST(CancelToken, DeadlineAndExplicitCancel) {
  CancelToken none;
  EXPECT_FALSE(none.cancelled());
  EXPECT_TRUE(none.reason().ok());

  CancelToken timed;
  timed.SetDeadline(MonotonicMillis() + 50, Status::DeadlineExceeded("item deadline"));
  EXPECT_FALSE(timed.cancelled());
  EXPECT_GT(timed.remaining_ms(), 0);
  EXPECT_TRUE(WaitFor([&] { return timed.cancelled(); }));
  EXPECT_EQ(timed.reason().code(), Status::Code::kDeadlineExceeded);
  EXPECT_EQ(timed.reason().message(), "item deadline");
  EXPECT_FALSE(timed.explicitly_cancelled());

  CancelToken cancelled;
  cancelled.Cancel(Status::Unavailable("shutting down"));
  cancelled.Cancel(Status::Internal("second reason is ignored"));
  EXPECT_TRUE(cancelled.cancelled());
  EXPECT_TRUE(cancelled.explicitly_cancelled());
  EXPECT_EQ(cancelled.reason().message(), "shutting down");
}

TEST(LeaseKeeper, RenewsAboutEveryThirdOfTheLeaseWhileHeld) {
  LeaseKeeper keeper(300);
  std::atomic<int> renewals{0};
  std::atomic<int64_t> last_until{0};
  CancelToken token;
  auto hold = keeper.Keep(
      [&](int64_t until) -> StatusOr<bool> {
        renewals++;
        last_until = until;
        return true;
      },
      NowMillis() + 300, &token);
  ASSERT_TRUE(WaitFor([&] { return renewals >= 4; }));
  EXPECT_GE(last_until.load(), NowMillis()) << "each renewal extends the lease into the future";
  EXPECT_FALSE(token.cancelled());
  EXPECT_FALSE(hold->lost());
  hold.reset();
  int after = renewals.load();
  std::this_thread::sleep_for(400ms);
  EXPECT_LE(renewals.load(), after + 1) << "a finished hold stops renewing";
}

// A held lease is renewed every lease_ms / 3 (lease_keeper.h, docs/operations.md), so each renewal lands
// while about two thirds of the current lease are left; renewing only when it ends would let
// another worker reclaim the item. The median margin is asserted (loose: a busy machine may
// delay a wake-up by a few tens of milliseconds, not by a third of the lease).
TEST(LeaseKeeper, EachRenewalComesWellBeforeTheLeaseEnds) {
  constexpr int64_t kLeaseMs = 600;
  LeaseKeeper keeper(kLeaseMs);
  std::mutex mu;
  std::vector<int64_t> margins;  // ms left of the lease being renewed, at each renewal
  int64_t current_until = NowMillis() + kLeaseMs;
  CancelToken token;
  auto hold = keeper.Keep(
      [&](int64_t until) -> StatusOr<bool> {
        std::lock_guard<std::mutex> lock(mu);
        margins.push_back(current_until - NowMillis());
        current_until = until;
        return true;
      },
      current_until, &token);
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return margins.size() >= 5;
  }));
  hold.reset();
  std::lock_guard<std::mutex> lock(mu);
  std::vector<int64_t> sorted(margins.begin(), margins.begin() + 5);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_GT(sorted[2], kLeaseMs / 3) << "median ms left of the lease at a renewal";
  EXPECT_FALSE(token.cancelled());
}

TEST(LeaseKeeper, ClaimFoundGoneCancelsTheWork) {
  LeaseKeeper keeper(150);
  CancelToken token;
  auto hold = keeper.Keep([](int64_t) -> StatusOr<bool> { return false; }, NowMillis() + 150, &token);
  ASSERT_TRUE(WaitFor([&] { return token.cancelled(); }));
  EXPECT_TRUE(token.explicitly_cancelled());
  EXPECT_EQ(token.reason().code(), Status::Code::kUnavailable);
  EXPECT_TRUE(hold->lost());
}

TEST(LeaseKeeper, LeaseThatCannotBeRenewedLapsesAndCancelsTheWork) {
  LeaseKeeper keeper(300);
  CancelToken token;
  std::atomic<int> tries{0};
  const int64_t lease_until = NowMillis() + 300;
  auto hold = keeper.Keep(
      [&](int64_t) -> StatusOr<bool> {
        tries++;
        return Status::Unavailable("database connection lost");
      },
      lease_until, &token);
  ASSERT_TRUE(WaitFor([&] { return token.cancelled(); }));
  EXPECT_GE(NowMillis(), lease_until) << "not cancelled while the lease still held";
  EXPECT_GE(tries.load(), 2) << "failed renewals are retried until the lease lapses";
  EXPECT_NE(token.reason().message().find("database connection lost"), std::string::npos);
}

TEST(LeaseKeeper, ManyHoldsAreRenewedIndependently) {
  LeaseKeeper keeper(300);
  std::vector<std::unique_ptr<CancelToken>> tokens;
  std::vector<std::unique_ptr<LeaseKeeper::Hold>> holds;
  std::atomic<int> good{0};
  for (int i = 0; i < 20; ++i) {
    tokens.push_back(std::make_unique<CancelToken>());
    const bool keep = i % 2 == 0;
    holds.push_back(keeper.Keep(
        [&good, keep](int64_t) -> StatusOr<bool> {
          if (keep) good++;
          return keep;
        },
        NowMillis() + 300, tokens.back().get()));
  }
  ASSERT_TRUE(WaitFor([&] { return good >= 30; }));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(tokens[i]->cancelled(), i % 2 == 1) << i;
  holds.clear();
}

}  // namespace
}  // namespace goldset::store
