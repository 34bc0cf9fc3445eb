#include "api/body_budget.h"

namespace goldset::api {

BodyBudget::Ticket& BodyBudget::Ticket::operator=(Ticket&& o) noexcept {
  if (this != &o) {
    Release();
    owner_ = o.owner_;
    bytes_ = o.bytes_;
    o.owner_ = nullptr;
  }
  return *this;
}

void BodyBudget::Ticket::Release() {
  if (owner_) owner_->held_.fetch_sub(bytes_, std::memory_order_relaxed);
  owner_ = nullptr;
}

BodyBudget::Ticket BodyBudget::TryReserve(int64_t bytes) {
  int64_t held = held_.load(std::memory_order_relaxed);
  do {
    if (bytes > max_ - held) return Ticket();
  } while (!held_.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
  return Ticket(this, bytes);
}

}  // namespace goldset::api
