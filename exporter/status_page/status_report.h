// StatusReport: what the status page (/) and /api/v1/status show, as plain
// data built in one place from the config, the diagnosis, the vendor status
// pages and the probe history. The HTML and JSON renderers only format it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/vendor_status/vendor_status_cache.h"
#include "config/config.h"
#include "diagnosis/clock.h"
#include "diagnosis/diagnosis.h"
#include "diagnosis/incidents/availability.h"
#include "diagnosis/service_name.h"
#include "exporter/state/probe_history.h"

namespace outage {

// ReasonText is a failure reason in words for people: "DNS", "our
// network", "server errors (5xx)", ...; "" for kNone.
std::string_view ReasonText(FailureReason reason);

struct TargetReport {
  std::string target;  // URL password redacted
  std::string module;
  LabelPairs labels;
  bool control = false;
  OutageState state = OutageState::kUnknown;
  double since_seconds = 0;  // unix time the state began
  // From the latest probe (null when none is kept yet).
  std::shared_ptr<const ProbeRecord> latest;
  std::vector<TrendPoint> trend;  // oldest first
};

struct ServiceReport {
  std::string name;
  OutageState state = OutageState::kUnknown;
  // Why it is down (or in maintenance); kNone otherwise.
  FailureReason reason = FailureReason::kNone;
  double since_seconds = 0;                      // unix time; 0 when unknown
  std::vector<TargetReport> targets;             // config order
  std::vector<std::string> vendor_status_pages;  // vendor pages its targets link to

  // Headline is the verdict in words: "Up", "Degraded", "Down — DNS",
  // "Maintenance", "No data yet".
  std::string Headline() const;
};

// IncidentLine is one incident as the status page lists it.
struct IncidentLine {
  int64_t id = 0;
  std::string service;
  bool open = false;
  std::string summary;  // IncidentSummary
};

// DayRecord is one UTC day of a service's incident history.
struct DayRecord {
  std::string date;             // "2026-11-04"
  double incident_seconds = 0;  // inside incidents
  double downtime_seconds = 0;  // of those, blamed on the service
  int64_t incident_id = 0;      // the incident with the most time that day; 0 when none
};

// ServiceHistory is one service's incident history on the status page.
struct ServiceHistory {
  std::string service;
  std::vector<DayRecord> days;  // the last 90, oldest first, today last
  std::string month;            // the current calendar month, "2026-12"
  double month_availability = 1;
  std::optional<Budget> month_budget;  // when the service has an objective
};

// IncidentOverview is the status page's incidents section.
struct IncidentOverview {
  std::vector<IncidentLine> lines;        // the last 90 days, open ones first, then newest first
  std::vector<ServiceHistory> histories;  // every service with targets or incidents
};

struct StatusReport {
  std::string version;
  std::string revision;
  double generated_seconds = 0;  // unix time
  std::string group_label;       // targets are grouped by this label
  std::string config_source;
  bool config_reload_successful = false;
  double config_reload_success_seconds = 0;
  std::optional<bool> vantage_network_up;
  Placement placement;        // shard and vantage of this exporter
  size_t served_targets = 0;  // this shard's targets, control targets included
  // Worst verdict first (down, degraded, maintenance, unknown, up), then
  // in the config order of their first targets.
  std::vector<ServiceReport> services;
  std::vector<VendorStatusView> vendor_status_pages;
  std::vector<std::shared_ptr<const ProbeRecord>> recent;  // newest first
  IncidentOverview incidents;
};

// StatusInputs is everything a report is built from.
struct StatusInputs {
  const Config* config = nullptr;
  const DiagnosisSnapshot* diagnosis = nullptr;
  const std::vector<VendorStatusView>* vendor_status_pages = nullptr;
  const ProbeHistory* history = nullptr;
  std::string group_label = "service";
  WallTime now;
  bool config_reload_successful = false;
  double config_reload_success_seconds = 0;
  IncidentOverview incidents;  // copied into the report as it is
};

// BuildStatusReport groups the targets by `group_label` (a target without
// the label is a service of its own, named by its target; control targets
// without it share kControlServiceName) and gives each
// service a verdict:
// - down with reason local_network when a target's latest probe failed
//   because our own network did (every control target failed too);
// - else maintenance when every target is in maintenance;
// - else down when every target with data is down, with the most common
//   reason among their latest failures;
// - else degraded when any target is down, degraded or in maintenance;
// - else up when any target is up; else unknown (no data yet).
// `since` is the latest state change among the targets that set the verdict.
StatusReport BuildStatusReport(const StatusInputs& in);

}  // namespace outage
