// See target_stats.h.
#include "exporter/state/target_stats.h"

#include <algorithm>
#include <string>
#include <vector>

namespace outage {

namespace {

// Observe counts `value` in `h`, whose buckets are `bounds`.
void Observe(double value, const std::vector<double>& bounds, ProbeHistogram* h) {
  // le semantics: a value lands in the first bucket whose bound is >= it.
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  ++h->counts[static_cast<size_t>(bucket)];
  h->sum += value;
  ++h->count;
}

}  // namespace

void TargetStats::Record(const Target& target, const ProbeResult& result) {
  store_->Update(target, [&](TargetRecord& record) {
    const std::vector<double>& bounds = store_->histogram_buckets();
    ProbeCounts& s = record.counts;
    Observe(result.duration_seconds, bounds, &s.duration);
    // Phase series are created on first use: each prober has its own phases.
    for (const PhaseTiming& p : result.phases) {
      auto h = s.phases.find(p.phase);
      if (h == s.phases.end()) {
        h = s.phases.emplace(std::string(p.phase), NewProbeHistogram(bounds)).first;
      }
      Observe(p.seconds, bounds, &h->second);
    }
    ++s.probes;
    if (!result.success) {
      // Same guard as the exposition: a failure without a cause is "protocol".
      const FailureReason reason =
          result.reason == FailureReason::kNone ? FailureReason::kProtocol : result.reason;
      ++s.failures[static_cast<size_t>(reason)];
    }
  });
}

void TargetStats::Write(const Target& target, SampleSink* out) const {
  const LabelPairs& labels = target.identity.labels;
  store_->Read(target, [&](const TargetRecord& record) {
    const ProbeCounts& s = record.counts;
    const auto view = [this](const ProbeHistogram& h) {
      return HistogramView{store_->histogram_buckets(), h.counts, h.sum, h.count};
    };
    out->AddHistogram("outage_probe_duration_seconds",
                      "Duration of configured-target probes, across scrapes", labels,
                      view(s.duration));
    for (const auto& [phase, h] : s.phases) {
      out->AddHistogram("outage_probe_phase_duration_seconds",
                        "Duration of each probe phase of configured targets, across scrapes",
                        labels, view(h), "phase", phase);
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
  });
}

}  // namespace outage
