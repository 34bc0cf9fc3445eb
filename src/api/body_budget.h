// BodyBudget: how many bytes of request bodies the server holds at once, over every
// connection (--max-body-memory-mb). A body's bytes are reserved when its header is
// admitted (its Content-Length, or the route's body limit when it is chunked) and given
// back when its handler is done, before the answer is written; a body that does not fit is refused before
// it is read (503, retryable). Without it, connections x --max-upload-mb is the bound,
// and one client with many connections could take the process's memory.
//
// Thread-safety: all methods are thread-safe; a Ticket may be released on any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace goldset::api {

class BodyBudget {
 public:
  // REQUIRES: max_bytes >= 1.
  explicit BodyBudget(int64_t max_bytes) : max_(max_bytes) {}

  // Holds a body's reservation; gives it back when destroyed or reset. Move-only.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& o) noexcept : owner_(o.owner_), bytes_(o.bytes_) { o.owner_ = nullptr; }
    Ticket& operator=(Ticket&& o) noexcept;
    ~Ticket() { Release(); }
    bool held() const { return owner_ != nullptr; }

   private:
    friend class BodyBudget;
    Ticket(BodyBudget* owner, int64_t bytes) : owner_(owner), bytes_(bytes) {}
    void Release();
    BodyBudget* owner_ = nullptr;
    int64_t bytes_ = 0;
  };

  // A ticket for `bytes` (>= 0), or one not held when they do not fit in what is left.
  Ticket TryReserve(int64_t bytes);
  int64_t held_bytes() const { return held_.load(std::memory_order_relaxed); }
  int64_t max_bytes() const { return max_; }

 private:
  const int64_t max_;
  std::atomic<int64_t> held_{0};
};

}  // namespace goldset::api
