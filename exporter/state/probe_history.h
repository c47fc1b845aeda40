// ProbeHistory: the bounded, in-memory record of recent probes behind the
// status page, /logs and /api/v1/status. Like blackbox_exporter it keeps the
// latest `limit` probes and, separately, the latest `limit` failures, so a
// failure stays readable while successes stream past. Each configured
// target's latest probe and a short trend of durations for the sparkline are
// kept in its record (TargetStore) until the target leaves the config.
//
// Memory is bounded whatever targets return: at most 2 * limit entries plus
// one per configured target, each log cut to kMaxLogBytes.
//
// Thread-safe: one mutex guards the recent probes, the store's lock a
// target's latest and trend; neither is held while taking the other, and no
// call blocks on I/O under either.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collectors/probe_result.h"
#include "config/config.h"
#include "diagnosis/probe_record.h"
#include "diagnosis/target_store.h"

namespace outage {

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
  static constexpr size_t kTrendPoints = ProbeTrend::kPoints;

  // `store` must outlive this; its Sync decides whose latest and trend are
  // kept.
  ProbeHistory(size_t limit, TargetStore* store) : limit_(limit), store_(store) {}
  ProbeHistory(const ProbeHistory&) = delete;
  ProbeHistory& operator=(const ProbeHistory&) = delete;

  // Record adds one completed /probe probe and returns its id.
  uint64_t Record(const std::string& target, const std::string& module, const ProbeResult& result,
                  std::chrono::system_clock::time_point time);
  // RecordConfigured adds one completed probe of a configured target (the
  // /metrics path) and returns its id: its latest record and trend are kept
  // in its record while the store has it.
  uint64_t RecordConfigured(const Target& target, const ProbeResult& result,
                            std::chrono::system_clock::time_point time);

  // Get returns record `id`, or null once it has aged out (a configured
  // target's latest never does while it is configured).
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
    int holders = 0;  // how many of all_ and failures_ hold it
  };
  // Add keeps `record` (its id still unset) and returns it, id set.
  std::shared_ptr<const ProbeRecord> Add(std::shared_ptr<ProbeRecord> record);
  void Hold(uint64_t id);
  void Release(uint64_t id);  // requires mu_
  void Trim(std::deque<uint64_t>* ids);

  const size_t limit_;
  TargetStore* const store_;
  mutable std::mutex mu_;  // guards everything below
  uint64_t next_id_ = 1;
  std::map<uint64_t, Slot> by_id_;
  std::deque<uint64_t> all_;       // newest at the back
  std::deque<uint64_t> failures_;  // newest at the back
};

}  // namespace outage
