// See probe_result_cache.h.
#include "diagnosis/probe_result_cache.h"

namespace outage {

ProbeResultCache::Lease ProbeResultCache::Acquire(const Target& target, const StartProbe& start) {
  const WallTime now = clock_->Now();
  const bool shareable = target.min_interval.count() > 0;
  Lease lease;
  const bool known = store_->Update(target, [&](TargetRecord& record) {
    SharedResult& last = record.shared;
    if (shareable && last.result.valid() && last.started) {
      const bool running =
          last.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
      const auto age = now - *last.started;
      if (running || (age >= WallTime::duration::zero() && age < target.min_interval)) {
        lease = Lease{{}, last.result, false};
        return;
      }
    }
    last.started = now;
    // Only a result that later scrapes may share is kept: holding every
    // target's last result would cost thousands of results at all times.
    if (!shareable) {
      last.result = {};
      lease = Lease{start(), {}, true};
      return;
    }
    last.result = start().share();
    lease = Lease{{}, last.result, true};
  });
  if (!known) lease = Lease{start(), {}, true};
  return lease;
}

ProbeResult ProbeResultCache::Lease::Take() {
  if (own.valid()) return own.get();
  ProbeResult result = shared.get();
  shared = {};  // the last reference, unless the cache keeps it
  return result;
}

std::optional<WallTime> ProbeResultCache::LastRun(const Target& target) const {
  std::optional<WallTime> started;
  store_->Read(target, [&](const TargetRecord& record) { started = record.shared.started; });
  return started;
}

}  // namespace outage
