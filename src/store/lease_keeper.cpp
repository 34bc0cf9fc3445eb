#include "store/lease_keeper.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "common/clock.h"

namespace goldset::store {

namespace {
// After a failed renewal, try again this soon (but never past the lease's end).
constexpr int64_t kRetryAfterFailureMs = 250;
}  // namespace

LeaseKeeper::LeaseKeeper(int64_t lease_ms) : lease_ms_(std::max<int64_t>(lease_ms, 30)) {
  thread_ = std::thread([this] { Loop(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

LeaseKeeper::Hold::~Hold() { keeper_->Forget(id_); }

bool LeaseKeeper::Hold::lost() const {
  std::lock_guard<std::mutex> lock(keeper_->mu_);
  auto it = keeper_->entries_.find(id_);
  return it != keeper_->entries_.end() && it->second->lost;
}

int64_t LeaseKeeper::Hold::expires() const {
  std::lock_guard<std::mutex> lock(keeper_->mu_);
  auto it = keeper_->entries_.find(id_);
  return it != keeper_->entries_.end() ? it->second->expires : 0;
}

std::unique_ptr<LeaseKeeper::Hold> LeaseKeeper::Keep(Renew renew, int64_t lease_until, CancelToken* token) {
  auto e = std::make_shared<Entry>();
  e->renew = std::move(renew);
  e->expires = lease_until;
  e->next_renew = NowMillis() + lease_ms_ / 3;
  e->token = token;
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    entries_[id] = std::move(e);
  }
  cv_.notify_all();
  return std::unique_ptr<Hold>(new Hold(this, id));
}

void LeaseKeeper::Forget(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second->token = nullptr;  // a renewal in progress must not touch the dead token
  entries_.erase(it);
}

void LeaseKeeper::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const int64_t now = NowMillis();
    int64_t wake = now + lease_ms_ / 3;
    std::vector<std::pair<uint64_t, std::shared_ptr<Entry>>> due;
    for (auto& [id, e] : entries_) {
      if (e->lost) continue;
      if (e->next_renew <= now) due.emplace_back(id, e);
      else wake = std::min(wake, e->next_renew);
    }
    if (due.empty()) {
      cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, wake - now)));
      continue;
    }
    for (auto& [id, e] : due) {
      Renew renew = e->renew;  // a copy: the Hold may die while we renew
      lock.unlock();
      const int64_t until = NowMillis() + lease_ms_;
      StatusOr<bool> held = Status::Internal("renewal threw");
      try {
        held = renew(until);
      } catch (const std::exception& ex) {
        held = Status::Unavailable(ex.what());
      }
      lock.lock();
      if (!entries_.count(id)) continue;  // the work finished meanwhile
      const int64_t after = NowMillis();
      Status lost;
      if (held.ok() && *held) {
        e->expires = until;
        e->next_renew = after + lease_ms_ / 3;
      } else if (held.ok()) {
        lost = Status::Unavailable("the claim was cancelled, deleted or taken over");
      } else if (after >= e->expires) {
        lost = Status::Unavailable("the lease lapsed: could not renew it (" + held.status().message() + ")");
      } else {
        e->next_renew = std::min(e->expires, after + kRetryAfterFailureMs);
      }
      if (!lost.ok()) {
        e->lost = true;
        if (e->token) e->token->Cancel(lost);
      }
    }
  }
}

}  // namespace goldset::store
