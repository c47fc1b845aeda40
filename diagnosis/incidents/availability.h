// Availability from the incident record: how much of a period a service (or
// one of its targets) was down, with the time not blamed on it (maintenance,
// our own network down, the exporter not running) shown apart, and the
// error budget an objective leaves.
//
// Downtime is the time inside incidents (a service's) or inside the target's
// parts of them, less the time with a maintenance window open, with our own
// network down, or in a gap. Time outside every incident counts as up: the
// record cannot tell a healthy service from an exporter that was not
// running between incidents.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diagnosis/incidents/incident.h"

namespace outage {

// Period is [from, to).
struct Period {
  WallTime from;
  WallTime to;
  std::string label;  // "2026-11", "30d to 2026-12-04T10:00:00Z", ...

  double Seconds() const { return Span{from, to}.Seconds(); }
};

// CalendarMonth parses "2026-11" into that month in UTC; nullopt for
// anything else.
std::optional<Period> CalendarMonth(const std::string& text);
// MonthOf is the UTC calendar month holding `t`.
Period MonthOf(WallTime t);
// DayOf is the UTC day holding `t`.
Period DayOf(WallTime t);

struct Downtime {
  double elapsed_seconds = 0;   // of the period, up to now
  double incident_seconds = 0;  // inside incidents (or the target's parts)
  double maintenance_seconds = 0;
  double local_network_seconds = 0;
  double unobserved_seconds = 0;  // gaps: the exporter was not running
  double downtime_seconds = 0;    // incident time less the three above
  int incidents = 0;              // incidents overlapping the period
  // Availability is 1 - downtime / elapsed; 1 before the period starts.
  double Availability() const;
};

// ServiceDowntime sums `incidents` (one service's; they do not overlap)
// over `period`; an open incident runs to `now`, and nothing after `now`
// counts.
Downtime ServiceDowntime(const std::vector<Incident>& incidents, const Period& period,
                         WallTime now);

// TargetDowntime does the same for one target's parts of `incidents`.
Downtime TargetDowntime(const std::vector<Incident>& incidents, const std::string& target,
                        const std::string& module, const Period& period, WallTime now);

// Budget is an objective applied to a period: the downtime it allows over
// the whole period and what is left of it.
struct Budget {
  double objective = 0;  // 0.999 for 99.9%
  double allowed_seconds = 0;
  double left_seconds = 0;  // negative once spent
  bool met = true;          // downtime within what is allowed
};

Budget BudgetOf(double objective, const Period& period, const Downtime& downtime);

}  // namespace outage
