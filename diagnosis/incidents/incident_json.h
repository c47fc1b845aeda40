// The JSON form of an incident: what the file stores (one document per
// incident) and what /api/v1/incidents serves. Times are RFC 3339 UTC with
// milliseconds; derived fields (duration, first and dominant reason) are
// written for readers and ignored when read back.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "diagnosis/incidents/incident.h"

namespace outage {

// IncidentJson renders `incident`; durations of an open one run to `now`.
std::string IncidentJson(const Incident& incident, WallTime now);

// ParseIncidentJson reads what IncidentJson wrote; nullopt (with *error set)
// for anything else.
std::optional<Incident> ParseIncidentJson(const std::string& text, std::string* error);

// ParseRfc3339 reads "2026-11-04T14:02:00.000Z" (fraction optional, UTC
// only); nullopt for anything else.
std::optional<WallTime> ParseRfc3339(const std::string& text);

}  // namespace outage
