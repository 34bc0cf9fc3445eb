// BodyBudget: reservations up to the limit exactly, given back by tickets however they end.
#include "api/body_budget.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace goldset::api {
namespace {

TEST(BodyBudget, ReservesUpToTheLimitExactly) {
  BodyBudget budget(100);
  BodyBudget::Ticket a = budget.TryReserve(60);
  ASSERT_TRUE(a.held());
  EXPECT_FALSE(budget.TryReserve(41).held());    // limit + 1
  BodyBudget::Ticket b = budget.TryReserve(40);  // the limit itself
  ASSERT_TRUE(b.held());
  EXPECT_EQ(budget.held_bytes(), 100);
  EXPECT_FALSE(budget.TryReserve(1).held());
  EXPECT_TRUE(budget.TryReserve(0).held());
  a = BodyBudget::Ticket();  // reset gives the bytes back
  EXPECT_EQ(budget.held_bytes(), 40);
  EXPECT_FALSE(budget.TryReserve(61).held());
  EXPECT_TRUE(budget.TryReserve(60).held());  // a temporary: given back at once
  EXPECT_EQ(budget.held_bytes(), 40);
}

TEST(BodyBudget, MovedTicketsReleaseOnce) {
  BodyBudget budget(10);
  {
    BodyBudget::Ticket a = budget.TryReserve(7);
    BodyBudget::Ticket b(std::move(a));
    EXPECT_FALSE(a.held());
    EXPECT_TRUE(b.held());
    BodyBudget::Ticket c = budget.TryReserve(3);
    c = std::move(b);  // c's 3 bytes go back; b's 7 now belong to c
    EXPECT_EQ(budget.held_bytes(), 7);
  }
  EXPECT_EQ(budget.held_bytes(), 0);
}

TEST(BodyBudget, ConcurrentReservationsNeverExceedTheLimit) {
  BodyBudget budget(1000);
  std::vector<std::thread> threads;
  std::atomic<int64_t> peak{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        BodyBudget::Ticket ticket = budget.TryReserve(1 + i % 300);
        const int64_t held = budget.held_bytes();
        int64_t seen = peak.load();
        while (held > seen && !peak.compare_exchange_weak(seen, held)) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 1000);
  EXPECT_EQ(budget.held_bytes(), 0);
}

}  // namespace
}  // namespace goldset::api
