// CancelToken: tells long-running work (an engine call, a parse) to stop, because its
// deadline passed or because someone cancelled it (its lease was lost, the process is
// shutting down, the run was cancelled).
//
// Cooperative: the work polls cancelled() at points where stopping is safe (libcurl's
// progress callback, a parser's page loop, tesseract's monitor) and returns reason().
// Thread-safety: every member may be called from any thread; SetDeadline before the
// token is shared.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>

#include "common/status.h"

namespace goldset {

class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // The work must end by `monotonic_ms` (MonotonicMillis() clock); past it, reason() is
  // `expired` (typically DeadlineExceeded naming the limit).
  void SetDeadline(int64_t monotonic_ms, Status expired);
  // Cancels with `why` (not OK). The first reason wins; later calls change nothing.
  void Cancel(Status why);

  // True once cancelled or past the deadline.
  bool cancelled() const;
  // Why the work must stop; OK while it may go on.
  Status reason() const;
  // True when Cancel() was called (as opposed to the deadline passing).
  bool explicitly_cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Milliseconds until the deadline (max int64 without one; <= 0 once passed).
  int64_t remaining_ms() const;

 private:
  std::atomic<bool> cancelled_{false};
  int64_t deadline_ = std::numeric_limits<int64_t>::max();  // written before sharing
  Status expired_;                                          // written before sharing
  mutable std::mutex mu_;
  Status why_;  // guarded by mu_; set once, by the first Cancel
};

}  // namespace goldset
