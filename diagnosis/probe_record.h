// ProbeRecord: one completed probe as the recent-probe history and a
// configured target's state keep it, for the status page, /logs and
// /api/v1/status. Plain data.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "collectors/probe_result.h"

namespace outage {

// ProbeRecord is one completed probe as the history keeps it. The target is
// stored with any URL password redacted: no secret is ever served.
struct ProbeRecord {
  uint64_t id = 0;  // 1, 2, 3, ... in completion order
  std::string target;
  std::string module;
  std::chrono::system_clock::time_point time;  // when the probe completed
  bool success = false;
  FailureReason reason = FailureReason::kNone;
  double duration_seconds = 0;
  std::optional<double> cert_expiry_seconds;  // unix time; TLS probes only
  std::string edge;  // CDN and edge site that answered ("fastly FRA"); "" if none
  // Where a path trace after the failure found the path broken ("transit,
  // last answer at hop 2"); "" when none ran.
  std::string path_break;
  std::optional<AddressTally> addresses;  // addresses: all
  std::string log;                        // ProbeLog::Text(), cut to kMaxLogBytes
};

// TrendPoint is one probe in a target's recent-durations trend.
struct TrendPoint {
  double duration_seconds;
  bool success;
};

}  // namespace outage
