// See target_stats.h.
#include "exporter/state/target_stats.h"

#include <algorithm>
#include <string_view>

namespace outage {

TargetStats::Histogram TargetStats::NewHistogram() const {
  Histogram h;
  h.counts.assign(buckets_.size() + 1, 0);
  return h;
}

void TargetStats::Observe(double value, Histogram* h) const {
  // le semantics: a value lands in the first bucket whose bound is >= it.
  const auto bucket = std::lower_bound(buckets_.begin(), buckets_.end(), value) - buckets_.begin();
  ++h->counts[static_cast<size_t>(bucket)];
  h->sum += value;
  ++h->count;
}

void TargetStats::Sync(const Config& config) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool buckets_changed = config.global.histogram_buckets != buckets_;
  buckets_ = config.global.histogram_buckets;
  std::map<std::string_view, const Target*> wanted;
  for (const Target& t : config.targets) wanted[t.identity.key] = &t;
  for (auto it = series_.begin(); it != series_.end();) {
    auto want = wanted.find(it->first);
    if (want == wanted.end() || want->second->labels != it->second.labels) {
      it = series_.erase(it);
      continue;
    }
    if (buckets_changed) {  // the counters carry on; only the histograms restart
      it->second.duration = NewHistogram();
      it->second.phases.clear();
    }
    ++it;
  }
  for (const auto& [key, target] : wanted) {
    auto [it, added] = series_.try_emplace(std::string(key));
    if (!added) continue;
    Series& s = it->second;
    s.labels = target->labels;
    s.duration = NewHistogram();
  }
}

void TargetStats::Record(const Target& target, const ProbeResult& result) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(target.identity.key);
  if (it == series_.end()) return;
  Series& s = it->second;
  Observe(result.duration_seconds, &s.duration);
  // Phase series are created on first use: each prober has its own phases.
  for (const PhaseTiming& p : result.phases) {
    auto h = s.phases.find(p.phase);
    if (h == s.phases.end()) h = s.phases.emplace(std::string(p.phase), NewHistogram()).first;
    Observe(p.seconds, &h->second);
  }
  ++s.probes;
  if (!result.success) {
    // Same guard as the exposition: a failure without a cause is "protocol".
    const FailureReason reason =
        result.reason == FailureReason::kNone ? FailureReason::kProtocol : result.reason;
    ++s.failures[static_cast<size_t>(reason)];
  }
}

void TargetStats::Write(const Target& target, SampleSink* out) const {
  const LabelPairs& labels = target.identity.labels;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(target.identity.key);
  if (it == series_.end()) return;
  const Series& s = it->second;
  const auto view = [this](const Histogram& h) {
    return HistogramView{buckets_, h.counts, h.sum, h.count};
  };
  out->AddHistogram("outage_probe_duration_seconds",
                    "Duration of configured-target probes, across scrapes", labels,
                    view(s.duration));
  for (const auto& [phase, h] : s.phases) {
    out->AddHistogram("outage_probe_phase_duration_seconds",
                      "Duration of each probe phase of configured targets, across scrapes", labels,
                      view(h), "phase", phase);
  }
  out->AddCounter("outage_probes_total", "Probes run against configured targets", labels,
                  static_cast<double>(s.probes));
  for (FailureReason reason : kAllFailureReasons) {
    if (reason == FailureReason::kNone) continue;
    out->AddCounter("outage_probe_failures_total",
                    "Failed probes of configured targets, by failure reason", labels,
                    static_cast<double>(s.failures[static_cast<size_t>(reason)]), "reason",
                    FailureReasonName(reason));
  }
}

}  // namespace outage
