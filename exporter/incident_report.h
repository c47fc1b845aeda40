// The post-outage report of one incident, rendered from its record: a
// summary line, the timeline, the reasons over time, the vendor's word and
// the time not blamed on the service, as an HTML page or as a Markdown draft
// with empty sections (root cause, remediation, prevention) for a person to
// fill. Every value from outside (targets, logs, vendor text, notes) is
// escaped for the format.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "diagnosis/incidents/incident.h"

namespace outage {

// IncidentSummary is one line: "spotify down 2026-11-04 14:02–14:19 UTC,
// 17 min, http_5xx; vendor confirmed 14:09; our network fine".
std::string IncidentSummary(const Incident& incident, WallTime now);

std::string IncidentMarkdown(const Incident& incident, WallTime now);

// IncidentHtml links back to the status page at `status_page_link`.
std::string IncidentHtml(const Incident& incident, WallTime now,
                         const std::string& status_page_link);

// IncidentPageCsp is the report page's Content-Security-Policy: nothing loads.
const std::string& IncidentPageCsp();

}  // namespace outage
