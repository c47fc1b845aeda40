// ProbeResultCache shares probe results between scrapes: a target with a
// min_interval is probed at most once per interval, however many
// Prometheus servers scrape, and a probe still running is joined instead of
// started again (single-flight). Targets without min_interval are probed on
// every scrape; their last run is still recorded. Both are kept in the
// target's TargetStore record.
//
// Thread-safe: under the store's lock, one target at a time.
#pragma once

#include <functional>
#include <future>
#include <optional>

#include "collectors/probe_result.h"
#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/target_store.h"

namespace outage {

class ProbeResultCache {
 public:
  // `store` must outlive this; its Sync decides whose results are kept.
  ProbeResultCache(const Clock* clock, TargetStore* store) : clock_(clock), store_(store) {}
  ProbeResultCache(const ProbeResultCache&) = delete;
  ProbeResultCache& operator=(const ProbeResultCache&) = delete;

  using StartProbe = std::function<std::future<ProbeResult>()>;

  // Lease is one caller's hold on a result: its own (`own`, for a target
  // without min_interval) or one it may share (`shared`).
  struct Lease {
    std::future<ProbeResult> own;
    std::shared_future<ProbeResult> shared;
    // True for the caller that started the probe: only it counts the result
    // (histograms, counters, state), so a shared result is counted once.
    bool fresh = false;

    // Take waits for the result and hands it over: moved when it is the
    // caller's own, copied when it may be shared. Once only.
    ProbeResult Take();
  };

  // Acquire returns the result of the last probe of `target` if it started
  // less than min_interval ago or is still running, else starts one with
  // `start` (called under the store's lock: it must only enqueue). A target
  // unknown to the store's last Sync (a scrape that raced a reload) is
  // probed, its result shared with nobody.
  Lease Acquire(const Target& target, const StartProbe& start);

  // LastRun is when the latest probe of `target` started.
  std::optional<WallTime> LastRun(const Target& target) const;

 private:
  const Clock* clock_;
  TargetStore* const store_;
};

}  // namespace outage
