// See probe_result_cache.h.
#include "diagnosis/probe_result_cache.h"

#include <set>
#include <string_view>

namespace outage {

ProbeResultCache::Lease ProbeResultCache::Acquire(const Target& target, const StartProbe& start) {
  const WallTime now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(target.identity.key);
  if (it != entries_.end() && target.min_interval.count() > 0 && it->second.result.valid()) {
    const bool running =
        it->second.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    const auto age = now - it->second.started;
    if (running || (age >= WallTime::duration::zero() && age < target.min_interval)) {
      return Lease{{}, it->second.result, false};
    }
  }
  Entry& entry = it != entries_.end() ? it->second : entries_[target.identity.key];
  entry.started = now;
  // Only a result that later scrapes may share is kept: holding every
  // target's last result would cost thousands of results at all times.
  if (target.min_interval.count() == 0) {
    entry.result = {};
    return Lease{start(), {}, true};
  }
  entry.result = start().share();
  return Lease{{}, entry.result, true};
}

ProbeResult ProbeResultCache::Lease::Take() {
  if (own.valid()) return own.get();
  ProbeResult result = shared.get();
  shared = {};  // the last reference, unless the cache keeps it
  return result;
}

std::optional<WallTime> ProbeResultCache::LastRun(const Target& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(target.identity.key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.started;
}

void ProbeResultCache::Sync(const Config& config) {
  std::set<std::string_view> wanted;
  for (const Target& t : config.targets) wanted.insert(t.identity.key);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = wanted.count(it->first) != 0 ? std::next(it) : entries_.erase(it);
  }
}

}  // namespace outage
