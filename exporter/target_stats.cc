#include "exporter/target_stats.h"

#include <utility>

#include "config/url.h"

namespace outage {
namespace {

std::map<std::string, std::string> BaseLabels(const Target& target) {
  std::map<std::string, std::string> labels;
  for (const auto& [name, value] : target.labels) labels[name] = value;
  labels["target"] = RedactUrlPassword(target.target);
  labels["module"] = target.module;
  return labels;
}

}  // namespace

struct TargetStats::Series {
  LabelPairs labels;                        // the target's own labels, to notice a change
  std::map<std::string, std::string> base;  // target, module and own labels
  prometheus::Histogram* duration = nullptr;
  std::map<std::string, prometheus::Histogram*, std::less<>> phases;
  prometheus::Counter* probes = nullptr;
  std::map<FailureReason, prometheus::Counter*> failures;
};

TargetStats::TargetStats()
    : registry_(std::make_shared<prometheus::Registry>()),
      duration_(prometheus::BuildHistogram()
                    .Name("outage_probe_duration_seconds")
                    .Help("Duration of configured-target probes, across scrapes")
                    .Register(*registry_)),
      phase_duration_(
          prometheus::BuildHistogram()
              .Name("outage_probe_phase_duration_seconds")
              .Help("Duration of each probe phase of configured targets, across scrapes")
              .Register(*registry_)),
      probes_(prometheus::BuildCounter()
                  .Name("outage_probes_total")
                  .Help("Probes run against configured targets")
                  .Register(*registry_)),
      failures_(prometheus::BuildCounter()
                    .Name("outage_probe_failures_total")
                    .Help("Failed probes of configured targets, by failure reason")
                    .Register(*registry_)),
      buckets_(DefaultHistogramBuckets()) {}

TargetStats::~TargetStats() = default;

std::string TargetStats::Key(const Target& target) { return target.target + '\0' + target.module; }

void TargetStats::AddSeries(const Target& target) {
  auto series = std::make_unique<Series>();
  series->labels = target.labels;
  const auto base = BaseLabels(target);
  series->base = base;
  series->duration = &duration_.Add(base, buckets_);
  series->probes = &probes_.Add(base);
  for (FailureReason reason : kAllFailureReasons) {
    if (reason == FailureReason::kNone) continue;
    auto labels = base;
    labels["reason"] = std::string(FailureReasonName(reason));
    series->failures[reason] = &failures_.Add(labels);
  }
  series_[Key(target)] = std::move(series);
}

void TargetStats::RemoveSeries(Series& series) {
  duration_.Remove(series.duration);
  for (auto& [phase, h] : series.phases) phase_duration_.Remove(h);
  probes_.Remove(series.probes);
  for (auto& [reason, c] : series.failures) failures_.Remove(c);
}

void TargetStats::RestartHistograms(Series& series) {
  // prometheus-cpp fixes a histogram's buckets at creation: re-create them.
  // The counters carry on; only the histograms start from zero.
  duration_.Remove(series.duration);
  series.duration = &duration_.Add(series.base, buckets_);
  for (auto& [phase, h] : series.phases) phase_duration_.Remove(h);
  series.phases.clear();  // re-created on the next observation
}

void TargetStats::Sync(const Config& config) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool buckets_changed = config.global.histogram_buckets != buckets_;
  buckets_ = config.global.histogram_buckets;
  std::map<std::string, const Target*> wanted;
  for (const Target& t : config.targets) wanted[Key(t)] = &t;
  for (auto it = series_.begin(); it != series_.end();) {
    auto want = wanted.find(it->first);
    if (want == wanted.end() || want->second->labels != it->second->labels) {
      RemoveSeries(*it->second);
      it = series_.erase(it);
      continue;
    }
    if (buckets_changed) RestartHistograms(*it->second);
    ++it;
  }
  for (const auto& [key, target] : wanted) {
    if (series_.count(key) == 0) AddSeries(*target);
  }
}

void TargetStats::Record(const Target& target, const ProbeResult& result) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(Key(target));
  if (it == series_.end()) return;
  Series& s = *it->second;
  s.duration->Observe(result.duration_seconds);
  // Phase series are created on first use: each prober has its own phases.
  for (const PhaseTiming& p : result.phases) {
    auto h = s.phases.find(p.phase);
    if (h == s.phases.end()) {
      auto labels = s.base;
      labels["phase"] = std::string(p.phase);
      h = s.phases.emplace(std::string(p.phase), &phase_duration_.Add(labels, buckets_)).first;
    }
    h->second->Observe(p.seconds);
  }
  s.probes->Increment();
  if (!result.success) {
    // Same guard as the exposition: a failure without a cause is "protocol".
    const FailureReason reason =
        result.reason == FailureReason::kNone ? FailureReason::kProtocol : result.reason;
    auto c = s.failures.find(reason);
    if (c != s.failures.end()) c->second->Increment();
  }
}

std::vector<prometheus::MetricFamily> TargetStats::Collect() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_->Collect();
}

}  // namespace outage
