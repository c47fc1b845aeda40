// TargetState: one configured target's outage state machine with
// hysteresis. It moves to down only after failure_threshold consecutive
// failures and back to up (or degraded) only after recovery_threshold
// consecutive successes, so one lost probe never pages anyone. Maintenance
// and "our own network is down" are explained at once, without hysteresis.
//
// Not thread-safe: TargetStore guards every TargetState with its mutex.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/config.h"
#include "diagnosis/clock.h"

namespace outage {

enum class OutageState { kUp, kDegraded, kDown, kMaintenance, kUnknown };

// kAllOutageStates lists every state in exposition order.
inline constexpr std::array<OutageState, 5> kAllOutageStates = {
    OutageState::kUp, OutageState::kDegraded, OutageState::kDown, OutageState::kMaintenance,
    OutageState::kUnknown};

// OutageStateName is the label value: "up", "degraded", ...
std::string_view OutageStateName(OutageState state);

// ProbeOutcome is one probe's result as the state machine sees it.
enum class ProbeOutcome {
  kSuccess,
  kSlowSuccess,   // succeeded, slower than degraded_latency
  kPartial,       // some of its addresses failed, not all (addresses: all)
  kFailure,       // failed for a reason of the target's own
  kMaintenance,   // failed while a maintenance window is open
  kLocalNetwork,  // failed while every control target failed too
};

class TargetState {
 public:
  explicit TargetState(WallTime created) : last_change_(created) {}

  // Observe advances the machine by one probe outcome at `now`:
  // - kLocalNetwork is no evidence about the target: the state becomes
  //   unknown and the counters are kept, so the target returns to its state
  //   as soon as the vantage point's network does;
  // - kMaintenance counts a failure and the state becomes maintenance;
  // - kFailure counts a failure; at failure_threshold the state is down;
  // - a success counts a success; from down, maintenance or unknown the
  //   state becomes up (degraded if the last recovery_threshold successes
  //   were all slow) at recovery_threshold; up and degraded switch to each
  //   other after recovery_threshold slow or fast successes in a row;
  // - kPartial counts as a slow success: the target is degraded, not down.
  void Observe(ProbeOutcome outcome, const Hysteresis& hysteresis, WallTime now);

  OutageState state() const { return state_; }
  int consecutive_failures() const { return failures_; }
  int64_t state_changes() const { return changes_; }
  WallTime last_change() const { return last_change_; }
  // DownSeconds is the time spent in state down up to `now`.
  double DownSeconds(WallTime now) const;

 private:
  void Enter(OutageState next, WallTime now);

  OutageState state_ = OutageState::kUnknown;
  int failures_ = 0;   // consecutive failures, maintenance included
  int successes_ = 0;  // consecutive successes
  int slow_ = 0;       // consecutive slow successes
  int fast_ = 0;       // consecutive fast successes
  int64_t changes_ = 0;
  WallTime last_change_;
  WallTime down_since_;      // meaningful while state_ is down
  double down_seconds_ = 0;  // completed down periods
};

}  // namespace outage
