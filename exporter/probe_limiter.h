// ProbeLimiter caps the /probe requests running at once, so that a flood of
// requests (or targets that hang until their deadline) cannot use up the
// probe engine's sockets and memory, and counts the requests it turned away.
// A /probe holds no thread while it runs (it is an asynchronous route,
// exporter/server/http_server.h), so the cap bounds probes, not threads.
//
// Probes started by /metrics for configured targets are exempt: their number
// is fixed by the config (the operator's choice, not a caller's), and
// concurrent scrapes of the same target share results through min_interval. Counting them against
// the /probe budget would let /probe traffic starve the sidecar metrics, or one big scrape reject
// every /probe.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace outage {

class ProbeLimiter {
 public:
  explicit ProbeLimiter(int max_concurrent) : max_(max_concurrent) {}
  ProbeLimiter(const ProbeLimiter&) = delete;
  ProbeLimiter& operator=(const ProbeLimiter&) = delete;

  // Slot is one admitted request; it frees its place when destroyed.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(ProbeLimiter* owner) : owner_(owner) {}
    ~Slot() { Release(); }
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // admitted is false for a rejected request.
    bool admitted() const { return owner_ != nullptr; }

   private:
    void Release();
    ProbeLimiter* owner_ = nullptr;
  };

  // TryAcquire admits the request when fewer than max() are running, else
  // counts a rejection and returns a Slot that is not admitted. Never blocks.
  Slot TryAcquire();

  int max() const { return max_; }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int64_t rejected_total() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  const int max_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> rejected_{0};
};

}  // namespace outage
