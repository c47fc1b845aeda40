// Incident: the record of one outage of one service, as plain data. Targets
// that share a service (the status page's grouping label) and fail in
// overlapping time are parts of one incident.
//
// Plain values; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diagnosis/clock.h"

namespace outage {

// ReasonSeen is one failure reason seen during an incident.
struct ReasonSeen {
  std::string reason;  // a FailureReasonName
  WallTime first;
  int64_t probes = 0;  // failed probes with this reason
};

// StateChange is one target's hysteresis state changing during an incident.
struct StateChange {
  WallTime at;
  std::string target;
  std::string from;  // OutageStateName
  std::string to;
};

// VendorConfirmation is the vendor's own status page naming the outage.
struct VendorConfirmation {
  WallTime first_seen;
  std::string name;
  std::string impact;
  std::string shortlink;
};

// Span is a stretch of time [from, to).
struct Span {
  WallTime from;
  WallTime to;

  double Seconds() const;
};

// AddSpan appends [from, to) to `spans`, extending the last one when it ends
// where the new one starts, so consecutive scrapes make one span.
void AddSpan(std::vector<Span>* spans, WallTime from, WallTime to);

// SpanSeconds is the total length of `spans` (which do not overlap).
double SpanSeconds(const std::vector<Span>& spans);

struct Note {
  WallTime at;
  std::string text;
};

// IncidentPart is one target's share of an incident.
struct IncidentPart {
  std::string target;
  std::string module;
  WallTime start;
  std::optional<WallTime> end;  // nullopt while the target is still failing
  std::string first_reason;
  std::string first_phase;  // the phase the first failed probe stopped in; "" if none
  std::optional<double> latency_before_seconds;  // the last success before it
  int64_t probes = 0;                            // probes during the part
  int64_t failures = 0;
  std::string first_failure_log;
  std::string last_failure_log;
};

struct Incident {
  int64_t id = 0;
  std::string service;
  WallTime start;
  std::optional<WallTime> end;  // nullopt while open
  WallTime last_seen;           // the latest scrape that updated it
  std::vector<IncidentPart> parts;
  std::vector<StateChange> changes;
  std::vector<ReasonSeen> reasons;  // in the order first seen
  std::optional<VendorConfirmation> vendor;
  std::vector<Span> maintenance;    // with a maintenance window open
  std::vector<Span> local_network;  // with our own network down: not the service's fault
  // Gaps are stretches of the open incident during which the exporter was
  // not running (from its last record to its restart): nothing is known of
  // them.
  std::vector<Span> gaps;
  std::vector<Note> notes;

  bool open() const { return !end.has_value(); }
  // DurationSeconds runs from start to end, or to `now` while open.
  double DurationSeconds(WallTime now) const;
  // FirstReason names the earliest reason seen; DominantReason the one with
  // the most failed probes (the earliest among equals). "" when none.
  std::string FirstReason() const;
  std::string DominantReason() const;
};

}  // namespace outage
