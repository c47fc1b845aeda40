// The post-outage report of one incident, rendered from its record: a
// summary line, the timeline, the reasons over time, the vendor's word and
// the time not blamed on the service, as an HTML page or as a Markdown draft
// with empty sections (root cause, remediation, prevention) for a person to
// fill. Every value from outside (targets, logs, vendor text, notes) is
// escaped for the format.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "diagnosis/incidents/availability.h"
#include "diagnosis/incidents/incident.h"

namespace outage {

// ObjectiveFigures are one period's downtime against an objective.
struct ObjectiveFigures {
  Period period;
  Downtime downtime;
  Budget budget;
};

// IncidentImpact is the incident against its service's objective: its own
// downtime, and the calendar month it started in and the rolling window up
// to now (or to its end) as a whole.
struct IncidentImpact {
  double incident_downtime_seconds = 0;  // maintenance, our network and gaps excluded
  ObjectiveFigures month;
  ObjectiveFigures window;
};

// IncidentSummary is one line: "spotify down 2026-11-04 14:02–14:19 UTC,
// 17 min, http_5xx; vendor confirmed 14:09; our network fine".
std::string IncidentSummary(const Incident& incident, WallTime now);

// `impact` is nullopt when the service has no objective.
std::string IncidentMarkdown(const Incident& incident, WallTime now,
                             const std::optional<IncidentImpact>& impact);

// IncidentHtml links back to the status page at `status_page_link`.
std::string IncidentHtml(const Incident& incident, WallTime now,
                         const std::optional<IncidentImpact>& impact,
                         const std::string& status_page_link);

// IncidentPageCsp is the report page's Content-Security-Policy: nothing loads.
const std::string& IncidentPageCsp();

}  // namespace outage
