// See probe_window.h.
#include "exporter/probe_window.h"

namespace outage {

bool ProbeWindow::Enter(std::chrono::steady_clock::time_point deadline) {
  const auto latest = deadline - kMinProbeBudget;
  std::unique_lock<std::mutex> lock(mu_);
  const bool got_in = left_.wait_until(lock, latest, [this] { return in_flight_ < width_; });
  ++in_flight_;
  // A free place does not make up for a deadline that has (nearly) passed.
  return got_in && std::chrono::steady_clock::now() <= latest;
}

void ProbeWindow::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (in_flight_ > 0) --in_flight_;
  }
  left_.notify_one();
}

size_t ProbeWindow::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

}  // namespace outage
