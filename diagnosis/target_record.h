// TargetRecord: everything kept about one configured target across scrapes,
// in one place: its /metrics counters and histograms, its latest probe and
// trend, its outage state, its shared result (min_interval) and its latency
// before an incident. Plain data: TargetStore owns every record and guards
// it; the operations on each part live with their users (TargetStats,
// ProbeHistory, Diagnosis, ProbeResultCache, IncidentRecorder).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/probe_record.h"
#include "diagnosis/target_state.h"

namespace outage {

// ProbeHistogram counts observations per bucket of the store's histogram
// buckets; the last count is above every bound.
struct ProbeHistogram {
  std::vector<uint64_t> counts;
  double sum = 0;
  uint64_t count = 0;
};

// NewProbeHistogram is an empty histogram over `buckets` (upper bounds).
inline ProbeHistogram NewProbeHistogram(const std::vector<double>& buckets) {
  ProbeHistogram h;
  h.counts.assign(buckets.size() + 1, 0);
  return h;
}

// ProbeCounts are a target's series that outlive a scrape
// (outage_probe_duration_seconds, outage_probes_total, ...).
struct ProbeCounts {
  LabelPairs labels;  // the target's labels they were counted under
  ProbeHistogram duration;
  std::map<std::string, ProbeHistogram, std::less<>> phases;  // created on first use
  uint64_t probes = 0;
  std::array<uint64_t, kAllFailureReasons.size()> failures{};  // by FailureReason
};

// ProbeTrend is the latest probe and a ring of the latest durations. The
// ring is allocated once, on the first probe: a std::deque would hold two
// 512-byte blocks at 40 points, 10 MB at 10,000 targets.
struct ProbeTrend {
  static constexpr size_t kPoints = 40;
  std::shared_ptr<const ProbeRecord> latest;  // null: not probed yet
  std::vector<TrendPoint> ring;
  size_t oldest = 0;  // where the ring starts once it is full
};

// SharedResult is the latest probe's start and, for a target with
// min_interval, its result that later scrapes may share.
struct SharedResult {
  std::shared_future<ProbeResult> result;
  std::optional<WallTime> started;
};

struct TargetRecord {
  explicit TargetRecord(WallTime created) : state(created) {}

  ProbeCounts counts;
  ProbeTrend trend;
  TargetState state;
  bool vendor_confirmed = false;  // by its linked status page, in the latest scrape
  bool maintenance_active = false;
  SharedResult shared;
  // The duration of its latest successful probe while up: what an incident
  // that opens reports as the latency before it.
  std::optional<double> latency_before;
};

}  // namespace outage
