// ProbeResult: everything one probe found out, as data. Probers never throw;
// every target failure ends up here with a reason from the fixed taxonomy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/failure_reason.h"
#include "collectors/metric_catalog.h"
#include "collectors/probe_log.h"
#include "config/config.h"

namespace outage {

// Sample is one gauge value of a prober-specific metric.
struct Sample {
  const MetricDesc* desc;
  LabelPairs labels;
  double value;
};

// PhaseTiming is the time one probe spent in a named phase ("resolve",
// "connect", ...), summed over redirects; it feeds the phase histograms.
struct PhaseTiming {
  std::string_view phase;
  double seconds;
};

// AddressTally sums up a probe of every address of its target's name
// (`addresses: all`); `reason` is the dominant reason among the failed ones.
struct AddressTally {
  int probed = 0;
  int failed = 0;
  FailureReason reason = FailureReason::kNone;

  // Partial: some addresses failed, not all (the target is degraded).
  bool Partial() const { return failed > 0 && failed < probed; }
};

struct ProbeResult {
  bool success = false;
  FailureReason reason = FailureReason::kNone;
  double duration_seconds = 0;
  std::vector<PhaseTiming> phases;
  std::vector<Sample> samples;  // prober-specific gauges, in emit order
  ProbeLog log;
  std::optional<AddressTally> addresses;  // set for `addresses: all` only
  std::string peer_ip;  // the address the probe connected to (AddIpFacts); "" unknown

  void Add(const MetricDesc& desc, double value) { Add(desc, {}, value); }
  void Add(const MetricDesc& desc, LabelPairs labels, double value) {
    // Room for a probe's samples at once (an HTTP probe adds about twenty),
    // not a copy at every doubling.
    if (samples.empty()) samples.reserve(24);
    samples.push_back(Sample{&desc, std::move(labels), value});
  }
  // Fail records a failed probe with `why` as the reason, unless a failure
  // was already recorded (the first cause found is the one reported).
  void Fail(FailureReason why) {
    if (success || reason == FailureReason::kNone) reason = why;
    success = false;
  }
  // Fail also logs `message` at error level, with `error` as err= when set.
  void Fail(FailureReason why, std::string_view message, const std::string& error) {
    if (error.empty()) {
      log.Error(message);
    } else {
      log.Error(message, {{"err", error}});
    }
    Fail(why);
  }
};

}  // namespace outage
