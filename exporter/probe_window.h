// ProbeWindow bounds how many of one /metrics scrape's probes are in flight
// at once. A scrape of thousands of targets starts its probes as earlier ones
// finish, so what it holds at any moment (transfers, sockets, buffers) is
// that of `width` probes rather than of every target (docs/sizing.md).
//
// Thread-safe: the scrape's thread enters, finished probes leave from the
// probe engine's loop thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace outage {

// kScrapeProbesInFlight is the width a scrape's window has: wide enough that
// loopback probes keep both cores busy, narrow enough that 10,000 targets fit
// in well under 100 MiB.
inline constexpr size_t kScrapeProbesInFlight = 256;  // --targets.max-concurrent

// kMinProbeBudget is the least time before its deadline with which a probe
// still starts: one started later would fail at its first step (the
// lookup), which would blame DNS for a full window.
inline constexpr std::chrono::milliseconds kMinProbeBudget{10};

class ProbeWindow {
 public:
  explicit ProbeWindow(size_t width) : width_(width == 0 ? 1 : width) {}
  ProbeWindow(const ProbeWindow&) = delete;
  ProbeWindow& operator=(const ProbeWindow&) = delete;

  // Enter waits until fewer than width() probes are in flight, or until
  // kMinProbeBudget before `deadline`, and counts one more in flight either
  // way, so that every Enter is balanced by a Leave. Returns whether the
  // probe got in with at least kMinProbeBudget left; when not, it must not
  // start (its target's result is a timeout).
  bool Enter(std::chrono::steady_clock::time_point deadline);

  // Leave counts one probe out (it finished, or it never started).
  void Leave();

  size_t width() const { return width_; }
  size_t in_flight() const;

 private:
  const size_t width_;
  mutable std::mutex mu_;
  std::condition_variable left_;
  size_t in_flight_ = 0;  // guarded by mu_
};

}  // namespace outage
