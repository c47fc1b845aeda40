// TargetStats: the state that outlives a /metrics scrape for each configured
// target: duration and phase histograms and probe/failure counters, kept in a
// prometheus-cpp Registry.
//
// Thread-safe: concurrent scrapes (an HA pair of Prometheus servers) may
// Record at once; Sync serialises with them.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "config/config.h"

namespace outage {

class TargetStats {
 public:
  TargetStats();
  ~TargetStats();
  TargetStats(const TargetStats&) = delete;
  TargetStats& operator=(const TargetStats&) = delete;

  // Sync makes the series match `config`: series of targets that are gone
  // (or whose labels changed) are removed, new targets get zeroed series,
  // and a change of histogram buckets restarts the histograms (counters go on).
  void Sync(const Config& config);

  // Record adds one probe of `target`. Targets unknown to the last Sync are
  // ignored (a scrape that raced a reload).
  void Record(const Target& target, const ProbeResult& result);

  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  struct Series;
  static std::string Key(const Target& target);
  void AddSeries(const Target& target);
  void RemoveSeries(Series& series);
  void RestartHistograms(Series& series);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Histogram>& phase_duration_;
  prometheus::Family<prometheus::Counter>& probes_;
  prometheus::Family<prometheus::Counter>& failures_;

  mutable std::mutex mu_;  // guards series_ and buckets_
  std::vector<double> buckets_;
  std::map<std::string, std::unique_ptr<Series>> series_;
};

}  // namespace outage
