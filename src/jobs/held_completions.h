// HeldCompletions: finished work waiting, for at most max_delay_ms, to land in one
// transaction with the work that finishes soon after it.
//
// Landing a finished item costs a few round trips on PostgreSQL (BEGIN, the update, the
// run's counters, COMMIT) whether it lands alone or with thirty others. So a worker holds
// its finished items in a Lane (Add) and lands them together (Take, then its own landing
// call), and one background thread lands a lane's items itself (`land`) once the oldest has
// waited max_delay_ms. The thread is what makes holding safe: the worker may be stuck in
// a slow engine call for minutes, and what it finished before must still become visible
// within max_delay_ms (plus the landing's own time), not when that call returns.
//
// The thread lands one lane at a time, so a landing that retries through a database outage
// delays the other lanes' timed landings; their workers still land their own before the
// next item starts once the bound has passed.
//
// Entry: movable; destroying it ends what the entry keeps alive (for the scheduler, the
// item's attempt and so its lease renewals), after `land` has seen it.
// Thread-safety: every method may be called from any thread. `land` runs on the timer
// thread or on the thread that destroys a Lane still holding entries.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace goldset::jobs {

template <typename Entry>
class HeldCompletions {
 public:
  using Land = std::function<void(std::vector<Entry>)>;

  HeldCompletions(int64_t max_delay_ms, Land land)
      : max_delay_ms_(std::max<int64_t>(max_delay_ms, 0)), land_(std::move(land)), thread_([this] { Loop(); }) {}
  // Joins the thread after the landing in progress, if any. REQUIRES: no Lane outlives it.
  ~HeldCompletions() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  HeldCompletions(const HeldCompletions&) = delete;
  HeldCompletions& operator=(const HeldCompletions&) = delete;

  int64_t max_delay_ms() const { return max_delay_ms_; }

  // One worker's held entries. Destroying it lands what it still holds on the destroying
  // thread, so nothing finished is dropped whichever way the worker leaves its batch.
  class Lane {
   public:
    ~Lane() {
      std::vector<Entry> rest;
      {
        std::lock_guard<std::mutex> lock(owner_->mu_);
        owner_->lanes_.erase(this);
        rest.swap(entries_);
      }
      if (!rest.empty()) owner_->land_(std::move(rest));
    }
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

    void Add(Entry e) {
      bool first = false;
      {
        std::lock_guard<std::mutex> lock(owner_->mu_);
        first = entries_.empty();
        if (first) oldest_ = MonotonicMillis();
        entries_.push_back(std::move(e));
      }
      if (first) owner_->cv_.notify_all();  // a new deadline for the timer
    }
    // Everything held, oldest first; the caller lands it.
    std::vector<Entry> Take() {
      std::vector<Entry> out;
      std::lock_guard<std::mutex> lock(owner_->mu_);
      out.swap(entries_);
      return out;
    }
    // How long the oldest held entry has waited; 0 when none is held.
    int64_t waited_ms() const {
      std::lock_guard<std::mutex> lock(owner_->mu_);
      return entries_.empty() ? 0 : MonotonicMillis() - oldest_;
    }

   private:
    friend class HeldCompletions;
    explicit Lane(HeldCompletions* owner) : owner_(owner) {}
    HeldCompletions* owner_;
    std::vector<Entry> entries_;  // guarded by owner_->mu_
    int64_t oldest_ = 0;          // when entries_ became non-empty (MonotonicMillis); guarded by owner_->mu_
  };

  std::unique_ptr<Lane> Open() {
    std::unique_ptr<Lane> lane(new Lane(this));
    std::lock_guard<std::mutex> lock(mu_);
    lanes_.insert(lane.get());
    return lane;
  }

  // Waits until the timer thread is not landing anything (Stop: every landing it started
  // has ended before the scheduler's caller goes on).
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [&] { return !landing_; });
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      const int64_t now = MonotonicMillis();
      int64_t wake = -1;  // the earliest deadline not reached yet; -1: none
      Lane* due = nullptr;
      for (Lane* lane : lanes_) {
        if (lane->entries_.empty()) continue;
        const int64_t deadline = lane->oldest_ + max_delay_ms_;
        if (deadline <= now) {
          due = lane;
          break;
        }
        wake = wake < 0 ? deadline : std::min(wake, deadline);
      }
      if (!due) {
        if (wake < 0) cv_.wait(lock);
        else cv_.wait_for(lock, std::chrono::milliseconds(wake - now));
        continue;
      }
      std::vector<Entry> batch;
      batch.swap(due->entries_);
      landing_ = true;
      lock.unlock();
      land_(std::move(batch));
      lock.lock();
      landing_ = false;
      idle_.notify_all();
    }
  }

  const int64_t max_delay_ms_;
  const Land land_;
  std::mutex mu_;
  std::condition_variable cv_;    // a lane got its first entry, or stopping
  std::condition_variable idle_;  // landing_ went false
  std::set<Lane*> lanes_;         // guarded by mu_
  bool landing_ = false;          // the thread is in land_; guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  std::thread thread_;            // last: starts after the rest is initialized
};

}  // namespace goldset::jobs
