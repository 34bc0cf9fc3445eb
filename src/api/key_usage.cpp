#include "api/key_usage.h"

#include <chrono>

#include "common/log.h"

namespace goldset::api {

void KeyUsage::Touch(std::string_view key_id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = marked_.find(key_id);
  if (it != marked_.end() && now_ms - it->second < interval_ms_) return;
  if (it == marked_.end()) {
    // Forgetting marks only costs an early extra write for keys used again.
    if (marked_.size() >= max_keys_) marked_.clear();
    it = marked_.emplace(std::string(key_id), now_ms).first;
  } else {
    it->second = now_ms;
  }
  pending_.push_back({it->first, now_ms});
}

Status KeyUsage::Flush() {
  std::lock_guard order(flush_mu_);
  std::vector<store::KeyUse> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return Status::OK();
  Status st = store_->RecordUse(batch);
  if (!st.ok()) {
    std::lock_guard lock(mu_);
    for (const auto& use : batch) marked_.erase(use.key_id);
  }
  return st;
}

size_t KeyUsage::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void KeyUsage::Start(int64_t flush_ms) {
  std::lock_guard lock(mu_);
  if (flusher_.joinable()) return;
  stopping_ = false;
  flusher_ = std::thread([this, flush_ms] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(flush_ms), [this] { return stopping_; });
      lock.unlock();
      Status st = Flush();
      if (!st.ok()) LogError("recording API key use: " + st.message());
      lock.lock();
    }
  });
}

void KeyUsage::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  // Whatever arrived after the thread's last flush (or with no thread at all).
  Status st = Flush();
  if (!st.ok()) LogError("recording API key use: " + st.message());
}

}  // namespace goldset::api
