// See target_state.h.
#include "diagnosis/target_state.h"

#include <algorithm>

namespace outage {
namespace {

double SecondsBetween(WallTime from, WallTime to) {
  // A wall clock stepped back must not make a counter go down.
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

}  // namespace

std::string_view OutageStateName(OutageState state) {
  switch (state) {
    case OutageState::kUp:
      return "up";
    case OutageState::kDegraded:
      return "degraded";
    case OutageState::kDown:
      return "down";
    case OutageState::kMaintenance:
      return "maintenance";
    case OutageState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

void TargetState::Enter(OutageState next, WallTime now) {
  if (next == state_) return;
  if (state_ == OutageState::kDown) down_seconds_ += SecondsBetween(down_since_, now);
  if (next == OutageState::kDown) down_since_ = now;
  state_ = next;
  ++changes_;
  last_change_ = now;
}

void TargetState::Observe(ProbeOutcome outcome, const Hysteresis& h, WallTime now) {
  switch (outcome) {
    case ProbeOutcome::kLocalNetwork:
      Enter(OutageState::kUnknown, now);
      return;
    case ProbeOutcome::kMaintenance:
    case ProbeOutcome::kFailure:
      ++failures_;
      successes_ = slow_ = fast_ = 0;
      if (outcome == ProbeOutcome::kMaintenance) {
        Enter(OutageState::kMaintenance, now);
      } else if (failures_ >= h.failure_threshold) {
        Enter(OutageState::kDown, now);
      }
      return;
    case ProbeOutcome::kSuccess:
    case ProbeOutcome::kSlowSuccess:
    case ProbeOutcome::kPartial:
      break;
  }
  failures_ = 0;
  ++successes_;
  const bool slow = outcome != ProbeOutcome::kSuccess;
  slow_ = slow ? slow_ + 1 : 0;
  fast_ = slow ? 0 : fast_ + 1;
  const int needed = h.recovery_threshold;
  if (state_ == OutageState::kUp) {
    if (slow_ >= needed) Enter(OutageState::kDegraded, now);
  } else if (state_ == OutageState::kDegraded) {
    if (fast_ >= needed) Enter(OutageState::kUp, now);
  } else if (successes_ >= needed) {
    Enter(slow_ >= needed ? OutageState::kDegraded : OutageState::kUp, now);
  }
}

double TargetState::DownSeconds(WallTime now) const {
  return down_seconds_ + (state_ == OutageState::kDown ? SecondsBetween(down_since_, now) : 0);
}

}  // namespace outage
