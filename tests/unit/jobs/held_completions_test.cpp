// HeldCompletions (jobs/held_completions.h): the timer lands a lane's entries together once
// the oldest has waited the bound, whatever its worker is doing; Take hands everything held
// to the worker, oldest first; a lane closed with entries lands them; Stop's WaitIdle waits
// for a timed landing in progress.
#include "jobs/held_completions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace goldset::jobs {
namespace {

using Entry = std::unique_ptr<int>;  // move-only, as the scheduler's entries are

// Records each landing: its entries' values, and the thread it ran on.
struct Landings {
  std::mutex mu;
  std::vector<std::vector<int>> batches;  // guarded by mu
  std::vector<std::thread::id> threads;   // guarded by mu

  std::function<void(std::vector<Entry>)> Fn() {
    return [this](std::vector<Entry> batch) {
      std::vector<int> values;
      for (const auto& e : batch) values.push_back(*e);
      std::lock_guard<std::mutex> lock(mu);
      batches.push_back(values);
      threads.push_back(std::this_thread::get_id());
    };
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return batches.size();
  }
};

bool WaitFor(const std::function<bool()>& cond, int timeout_ms = 10000) {
  const int64_t until = MonotonicMillis() + timeout_ms;
  while (MonotonicMillis() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

TEST(HeldCompletions, TheTimerLandsALanesEntriesTogetherOnceTheOldestHasWaitedTheBound) {
  Landings landed;
  HeldCompletions<Entry> held(30, landed.Fn());
  auto lane = held.Open();
  const int64_t added = MonotonicMillis();
  lane->Add(std::make_unique<int>(1));
  lane->Add(std::make_unique<int>(2));
  EXPECT_GE(lane->waited_ms(), 0);
  // The worker does nothing more (as if stuck in an engine call): the timer lands them.
  ASSERT_TRUE(WaitFor([&] { return landed.count() == 1; }));
  EXPECT_GE(MonotonicMillis() - added, 30) << "not before the bound";
  std::lock_guard<std::mutex> lock(landed.mu);
  EXPECT_EQ(landed.batches[0], (std::vector<int>{1, 2}));
  EXPECT_NE(landed.threads[0], std::this_thread::get_id());
  EXPECT_TRUE(lane->Take().empty());
  EXPECT_EQ(lane->waited_ms(), 0);
}

TEST(HeldCompletions, TakeHandsTheWorkerEverythingHeldOldestFirst) {
  Landings landed;
  HeldCompletions<Entry> held(600000, landed.Fn());
  auto lane = held.Open();
  EXPECT_EQ(lane->waited_ms(), 0);
  for (int i = 1; i <= 3; ++i) lane->Add(std::make_unique<int>(i));
  std::vector<Entry> taken = lane->Take();
  ASSERT_EQ(taken.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*taken[i], i + 1);
  EXPECT_EQ(lane->waited_ms(), 0);
  lane.reset();
  EXPECT_EQ(landed.count(), 0u) << "nothing left to land";
}

TEST(HeldCompletions, ALaneClosedWithEntriesLandsThemOnTheClosingThread) {
  Landings landed;
  HeldCompletions<Entry> held(600000, landed.Fn());
  auto lane = held.Open();
  lane->Add(std::make_unique<int>(7));
  lane.reset();
  ASSERT_EQ(landed.count(), 1u);
  std::lock_guard<std::mutex> lock(landed.mu);
  EXPECT_EQ(landed.batches[0], (std::vector<int>{7}));
  EXPECT_EQ(landed.threads[0], std::this_thread::get_id());
}

TEST(HeldCompletions, EachLaneIsLandedOnItsOwnAndWaitIdleWaitsForALandingInProgress) {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> landings{0};
  std::atomic<int> finished{0};
  HeldCompletions<Entry> held(20, [&](std::vector<Entry> batch) {
    EXPECT_EQ(batch.size(), 1u);
    ++landings;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return open; });
    ++finished;
  });
  auto a = held.Open();
  auto b = held.Open();
  a->Add(std::make_unique<int>(1));
  b->Add(std::make_unique<int>(2));
  ASSERT_TRUE(WaitFor([&] { return landings.load() == 1; }));
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  });
  held.WaitIdle();
  EXPECT_GE(finished.load(), 1) << "WaitIdle returned while the landing was still running";
  opener.join();
  ASSERT_TRUE(WaitFor([&] { return landings.load() == 2; })) << "the other lane lands after";
  held.WaitIdle();
  EXPECT_EQ(finished.load(), 2);
}

}  // namespace
}  // namespace goldset::jobs
