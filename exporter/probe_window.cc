// See probe_window.h.
#include "exporter/probe_window.h"

namespace outage {

bool ProbeWindow::Enter(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool in_time = left_.wait_until(lock, deadline, [this] { return in_flight_ < width_; });
  ++in_flight_;
  return in_time;
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
