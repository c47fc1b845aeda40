// Availability against objectives, from the incident record and the
// configuration: the body of /api/v1/availability, an incident report's
// impact, and the status page's per-service history (the last 90 days a
// day at a time, and this month against the objective).
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "diagnosis/incidents/availability.h"
#include "diagnosis/incidents/incident.h"
#include "exporter/status_page/incident_report.h"
#include "exporter/status_page/status_report.h"

namespace outage {

// ServiceObjective is the `services:` objective of `service`, if any.
std::optional<Objective> ServiceObjective(const Config& config, const std::string& service);

// ServiceNames are the services of the configured targets (control targets
// are not a service), in config order, then those only `incidents` name.
std::vector<std::string> ServiceNames(const Config& config, const std::string& group_label,
                                      const std::vector<Incident>& incidents);

// ImpactOf sets `incident` against `objective`, over the calendar month it
// started in and the rolling window that ends now; `service_incidents` are
// all of its service's.
IncidentImpact ImpactOf(const Incident& incident, const std::vector<Incident>& service_incidents,
                        const Objective& objective, WallTime now);

// HistoryOf is `service`'s status page history over the 90 days to `now`.
ServiceHistory HistoryOf(const std::string& service, const std::vector<Incident>& service_incidents,
                         const std::optional<Objective>& objective, WallTime now);

struct AvailabilityQuery {
  std::string service;  // "" for every service
  std::string target;   // "" for every target
  Period month;
};

// AvailabilityJson is /api/v1/availability's body: per service (and per
// target of it) the month's and the rolling window's downtime, availability
// and error budget. nullopt when `query` names a service or target that
// neither the configuration nor the record knows.
std::optional<std::string> AvailabilityJson(const Config& config, const std::string& group_label,
                                            const std::vector<Incident>& incidents,
                                            const AvailabilityQuery& query, WallTime now);

}  // namespace outage
