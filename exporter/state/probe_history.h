// ProbeHistory: the bounded, in-memory record of recent probes behind the
// status page, /logs and /api/v1/status. Like blackbox_exporter it keeps the
// latest `limit` probes and, separately, the latest `limit` failures, so a
// failure stays readable while successes stream past. It also keeps, for each
// configured target, its latest probe and a short trend of durations for the
// sparkline; those are dropped when the target leaves the config (Sync).
//
// Memory is bounded whatever targets return: at most 2 * limit entries plus
// one per configured target, each log cut to kMaxLogBytes.
//
// Thread-safe: one mutex guards everything; no call blocks on I/O under it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "config/config.h"

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

// TargetHistory is what the history keeps for one configured target.
struct TargetHistory {
  std::shared_ptr<const ProbeRecord> latest;  // null: not probed yet
  std::vector<TrendPoint> trend;              // oldest first
};

class ProbeHistory {
 public:
  // kMaxLogBytes caps each stored log (ProbeLog bounds it at ~400 KiB).
  static constexpr size_t kMaxLogBytes = 64 * 1024;
  // kTrendPoints is the length of each configured target's trend.
  static constexpr size_t kTrendPoints = 40;

  explicit ProbeHistory(size_t limit) : limit_(limit) {}
  ProbeHistory(const ProbeHistory&) = delete;
  ProbeHistory& operator=(const ProbeHistory&) = delete;

  // Record adds one completed /probe probe and returns its id.
  uint64_t Record(const std::string& target, const std::string& module, const ProbeResult& result,
                  std::chrono::system_clock::time_point time);
  // RecordConfigured adds one completed probe of a configured target (the
  // /metrics path) and returns its id: its latest record and trend are kept
  // until Sync drops the target.
  uint64_t RecordConfigured(const Target& target, const ProbeResult& result,
                            std::chrono::system_clock::time_point time);

  // Sync forgets the latest records and trends of targets no longer in
  // `config`.
  void Sync(const Config& config);

  // Get returns record `id`, or null once it has aged out.
  std::shared_ptr<const ProbeRecord> Get(uint64_t id) const;
  // Latest returns the newest record of (target, module), or null. The
  // target may be given with or without its URL password.
  std::shared_ptr<const ProbeRecord> Latest(const std::string& target,
                                            const std::string& module) const;
  // OfTarget returns a configured target's latest record and trend.
  TargetHistory OfTarget(const Target& target) const;
  // Recent returns the kept records, newest first (failures kept past the
  // limit of all probes included).
  std::vector<std::shared_ptr<const ProbeRecord>> Recent() const;

  size_t limit() const { return limit_; }

 private:
  struct Slot {
    std::shared_ptr<const ProbeRecord> record;
    int holders = 0;  // how many of all_, failures_ and pinned latest hold it
  };
  struct Configured {
    uint64_t latest = 0;
    // The trend as a ring of at most kTrendPoints, allocated once: a
    // std::deque holds two 512-byte blocks at 40 points, 10 MB at 10,000
    // targets.
    std::vector<TrendPoint> trend;
    size_t oldest = 0;  // where the ring starts once it is full
  };
  // Add keeps `record` (its id still unset); `configured_key` is the
  // target's identity key for a probe of a configured target, else null.
  uint64_t Add(std::shared_ptr<ProbeRecord> record, const std::string* configured_key);
  void Hold(uint64_t id);
  void Release(uint64_t id);  // requires mu_
  void Trim(std::deque<uint64_t>* ids);

  const size_t limit_;
  mutable std::mutex mu_;  // guards everything below
  uint64_t next_id_ = 1;
  std::map<uint64_t, Slot> by_id_;
  std::deque<uint64_t> all_;                                   // newest at the back
  std::deque<uint64_t> failures_;                              // newest at the back
  std::map<std::string, Configured, std::less<>> configured_;  // by Target::identity.key
};

}  // namespace outage
