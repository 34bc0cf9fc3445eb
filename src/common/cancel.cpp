#include "common/cancel.h"

#include "common/clock.h"

namespace goldset {

void CancelToken::SetDeadline(int64_t monotonic_ms, Status expired) {
  deadline_ = monotonic_ms;
  expired_ = std::move(expired);
}

void CancelToken::Cancel(Status why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_.load(std::memory_order_relaxed)) return;
  why_ = why.ok() ? Status::Internal("cancelled") : std::move(why);
  cancelled_.store(true, std::memory_order_release);
}

bool CancelToken::cancelled() const {
  return cancelled_.load(std::memory_order_acquire) ||
         (deadline_ != std::numeric_limits<int64_t>::max() && MonotonicMillis() >= deadline_);
}

Status CancelToken::reason() const {
  if (cancelled_.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(mu_);
    return why_;
  }
  if (deadline_ != std::numeric_limits<int64_t>::max() && MonotonicMillis() >= deadline_)
    return expired_.ok() ? Status::DeadlineExceeded("deadline passed") : expired_;
  return Status::OK();
}

int64_t CancelToken::remaining_ms() const {
  if (deadline_ == std::numeric_limits<int64_t>::max()) return deadline_;
  return deadline_ - MonotonicMillis();
}

}  // namespace goldset
