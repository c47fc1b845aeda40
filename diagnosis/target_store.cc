// See target_store.h.
#include "diagnosis/target_store.h"

#include <string_view>

namespace outage {
namespace {

ProbeCounts ZeroCounts(const LabelPairs& labels, const std::vector<double>& buckets) {
  ProbeCounts counts;
  counts.labels = labels;
  counts.duration = NewProbeHistogram(buckets);
  return counts;
}

}  // namespace

void TargetStore::Sync(const Config& config) {
  const WallTime now = clock_->Now();
  std::map<std::string_view, const Target*> wanted;
  for (const Target& t : config.targets) wanted.emplace(t.identity.key, &t);
  std::lock_guard<std::mutex> lock(mu_);
  const bool buckets_changed = config.global.histogram_buckets != buckets_;
  buckets_ = config.global.histogram_buckets;
  for (auto it = records_.begin(); it != records_.end();) {
    auto want = wanted.find(it->first);
    if (want == wanted.end()) {
      it = records_.erase(it);
      continue;
    }
    ProbeCounts& counts = it->second.counts;
    if (want->second->labels != counts.labels) {
      // Other labels are other series: their counts start again.
      counts = ZeroCounts(want->second->labels, buckets_);
    } else if (buckets_changed) {
      counts.duration = NewProbeHistogram(buckets_);
      counts.phases.clear();
    }
    ++it;
  }
  for (const auto& [key, target] : wanted) {
    auto [it, added] = records_.try_emplace(std::string(key), now);
    if (!added) continue;
    it->second.counts = ZeroCounts(target->labels, buckets_);
  }
}

}  // namespace outage
