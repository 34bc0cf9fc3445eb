#include "api/connection_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace goldset::api {

ConnectionLimiter::ConnectionLimiter(int max_total, int max_per_peer)
    : max_total_(std::max(1, max_total)), max_per_peer_(std::max(1, max_per_peer)) {}

ConnectionLimiter::Slot& ConnectionLimiter::Slot::operator=(Slot&& o) noexcept {
  if (this != &o) {
    if (owner_) owner_->Release(peer_);
    owner_ = o.owner_;
    peer_ = std::move(o.peer_);
    o.owner_ = nullptr;
  }
  return *this;
}

ConnectionLimiter::Slot::~Slot() {
  if (owner_) owner_->Release(peer_);
}

std::string ConnectionLimiter::PeerKey(const std::string& address) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) != 1) return address;
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kMapped, 12) == 0) {
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, v6.s6_addr + 12, buf, sizeof buf);
    return buf;
  }
  std::memset(v6.s6_addr + 8, 0, 8);
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &v6, buf, sizeof buf);
  return std::string(buf) + "/64";
}

ConnectionLimiter::Slot ConnectionLimiter::TryAcquire(const std::string& peer_address, Verdict* verdict) {
  std::string key = PeerKey(peer_address);
  std::lock_guard<std::mutex> lock(mu_);
  if (open_ >= max_total_) {
    *verdict = Verdict::kServerFull;
    return Slot();
  }
  int& mine = per_peer_[key];
  if (mine >= max_per_peer_) {
    *verdict = Verdict::kPeerFull;
    return Slot();
  }
  ++mine;
  ++open_;
  *verdict = Verdict::kAdmitted;
  return Slot(this, std::move(key));
}

void ConnectionLimiter::Release(const std::string& peer) {
  std::lock_guard<std::mutex> lock(mu_);
  --open_;
  auto it = per_peer_.find(peer);
  if (it != per_peer_.end() && --it->second <= 0) per_peer_.erase(it);
}

bool ConnectionLimiter::UnderPressure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_ * 4 > max_total_ * 3;
}

int ConnectionLimiter::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

ConnectionLimits DefaultConnectionLimits(uint64_t nofile, int threads_of_any_kind) {
  const int64_t n = static_cast<int64_t>(std::min<uint64_t>(nofile, 1u << 30));
  const int64_t reserve = 128 + 4 * int64_t{std::max(0, threads_of_any_kind)};
  int64_t total = std::min<int64_t>(10000, std::max(n / 4, n - reserve));
  ConnectionLimits out;
  out.max_total = static_cast<int>(std::max<int64_t>(1, total));
  out.max_per_peer = DefaultPerPeerLimit(out.max_total);
  return out;
}

int DefaultPerPeerLimit(int max_total) { return std::min(std::max(8, max_total / 4), std::max(1, max_total)); }

}  // namespace goldset::api
