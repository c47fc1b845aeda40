// TargetStats: the state that outlives a /metrics scrape for each configured
// target: duration and phase histograms and probe/failure counters. Kept as
// plain counts in one map, written straight to the exposition: a
// prometheus-cpp Registry would hand every series back as objects on each
// scrape (tens of MB at thousands of targets), which is what a streamed
// /metrics body avoids.
//
// Thread-safe: concurrent scrapes (an HA pair of Prometheus servers) may
// Record and Write at once; Sync serialises with them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "config/config.h"
#include "exporter/exposition/sample_sink.h"

namespace outage {

class TargetStats {
 public:
  TargetStats() = default;
  TargetStats(const TargetStats&) = delete;
  TargetStats& operator=(const TargetStats&) = delete;

  // Sync makes the series match `config`: series of targets that are gone
  // (or whose labels changed) are removed, new targets get zeroed series,
  // and a change of histogram buckets restarts the histograms (counters go on).
  void Sync(const Config& config);

  // Record adds one probe of `target`. Targets unknown to the last Sync are
  // ignored (a scrape that raced a reload).
  void Record(const Target& target, const ProbeResult& result);

  // Write adds the series of `target`, labelled with its identity's labels:
  // outage_probe_duration_seconds, outage_probe_phase_duration_seconds{phase}
  // (phases seen so far), outage_probes_total and
  // outage_probe_failures_total{reason}. Nothing for a target unknown to the
  // last Sync.
  void Write(const Target& target, SampleSink* out) const;

 private:
  struct Histogram {
    std::vector<uint64_t> counts;  // per bucket; the last is above every bound
    double sum = 0;
    uint64_t count = 0;
  };
  struct Series {
    LabelPairs labels;  // the target's own labels, to notice a change
    Histogram duration;
    std::map<std::string, Histogram, std::less<>> phases;  // created on first use
    uint64_t probes = 0;
    std::array<uint64_t, kAllFailureReasons.size()> failures{};  // by FailureReason
  };
  Histogram NewHistogram() const;
  void Observe(double value, Histogram* h) const;

  mutable std::mutex mu_;  // guards everything below
  std::vector<double> buckets_ = DefaultHistogramBuckets();
  std::map<std::string, Series, std::less<>> series_;  // by Target::identity.key
};

}  // namespace outage
