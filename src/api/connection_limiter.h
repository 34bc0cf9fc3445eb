// ConnectionLimiter: how many client connections the server holds, in total and per peer,
// so a flood of idle sockets can neither exhaust the process's file descriptors (audit F3)
// nor let one client crowd out the others. A peer is an IPv4 address, or an IPv6 /64 (one
// host usually owns a whole /64, so counting single IPv6 addresses would limit nothing).
//
// Thread-safety: all methods are thread-safe; a Slot may be released on any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace goldset::api {

class ConnectionLimiter {
 public:
  // REQUIRES: max_total >= 1, max_per_peer >= 1.
  ConnectionLimiter(int max_total, int max_per_peer);

  // Holds one connection's place; releases it when destroyed. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& o) noexcept : owner_(o.owner_), peer_(std::move(o.peer_)) { o.owner_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept;
    ~Slot();
    bool held() const { return owner_ != nullptr; }

   private:
    friend class ConnectionLimiter;
    Slot(ConnectionLimiter* owner, std::string peer) : owner_(owner), peer_(std::move(peer)) {}
    ConnectionLimiter* owner_ = nullptr;
    std::string peer_;
  };

  enum class Verdict { kAdmitted, kServerFull, kPeerFull };
  // A slot for a new connection from `peer_address` ("203.0.113.7", "2001:db8::1",
  // "::ffff:10.0.0.1"); on refusal the returned slot is not held and *verdict says why.
  Slot TryAcquire(const std::string& peer_address, Verdict* verdict);

  // Above 75% of max_total: idle keep-alive connections should close sooner.
  bool UnderPressure() const;
  int open() const;
  int max_total() const { return max_total_; }
  int max_per_peer() const { return max_per_peer_; }

  // The key a peer is counted under: the IPv4 address, or the IPv6 /64 as "2001:db8:0:1::/64".
  static std::string PeerKey(const std::string& peer_address);

 private:
  void Release(const std::string& peer);

  const int max_total_, max_per_peer_;
  mutable std::mutex mu_;
  int open_ = 0;
  std::unordered_map<std::string, int> per_peer_;
};

// Connection limits derived from the soft RLIMIT_NOFILE when the operator sets none:
// total = min(10000, max(nofile / 4, nofile - reserve)), where reserve = 128 + 4 descriptors
// per thread of any kind (event loop, handlers, run workers, webhook workers: database
// files, blobs, outbound sockets, parser temp files); per peer = max(8, total / 4).
struct ConnectionLimits {
  int max_total = 0, max_per_peer = 0;
};
ConnectionLimits DefaultConnectionLimits(uint64_t nofile, int threads_of_any_kind);
// max(8, max_total / 4), at most max_total.
int DefaultPerPeerLimit(int max_total);

}  // namespace goldset::api
