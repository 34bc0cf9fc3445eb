#include "jobs/parse_memo.h"

namespace goldset::jobs {

std::optional<std::string> ParseMemo::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ParseMemo::Put(const std::string& key, const std::string& value) {
  if (value.size() > max_entry_bytes_ || value.size() > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (index_.count(key)) return;  // the same key always names the same value
  lru_.emplace_front(key, value);
  index_[key] = lru_.begin();
  bytes_ += value.size();
  while (bytes_ > max_bytes_) {
    bytes_ -= lru_.back().second.size();
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

size_t ParseMemo::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace goldset::jobs
