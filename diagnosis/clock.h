// Clock: the injectable source of "now" for everything in diagnosis/ that
// depends on time (hysteresis, down time, maintenance windows, min_interval),
// so tests run in simulated time without sleeping.
#pragma once

#include <chrono>
#include <mutex>

namespace outage {

using WallTime = std::chrono::system_clock::time_point;

// Clock is thread-safe in every implementation.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
};

// SystemClock is the real wall clock.
class SystemClock : public Clock {
 public:
  WallTime Now() const override;
};

// FakeClock stands still until a test moves it. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(WallTime start = WallTime(std::chrono::seconds(1'700'000'000)))
      : now_(start) {}
  WallTime Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(WallTime t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  WallTime now_;
};

// UnixSeconds is `t` as seconds since the epoch (Prometheus timestamps).
inline double UnixSeconds(WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace outage
