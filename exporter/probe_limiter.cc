#include "exporter/probe_limiter.h"

#include <algorithm>

namespace outage {

ProbeLimiter::Slot& ProbeLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void ProbeLimiter::Slot::Release() {
  if (owner_ != nullptr) owner_->in_flight_.fetch_sub(1, std::memory_order_relaxed);
  owner_ = nullptr;
}

ProbeLimiter::Slot ProbeLimiter::TryAcquire() {
  // Optimistic increment, undone on overflow: never admits more than max_.
  if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= max_) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return Slot();
  }
  return Slot(this);
}

}  // namespace outage
