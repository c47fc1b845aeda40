// See status_json.h.
#include "exporter/status_page/status_json.h"

#include <nlohmann/json.hpp>

#include "collectors/logfmt.h"
#include "exporter/exposition/placement_output.h"

namespace outage {
namespace {

using nlohmann::json;

json TimeOrNull(double unix_seconds) {
  if (unix_seconds <= 0) return nullptr;
  return Rfc3339Millis(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(unix_seconds))));
}

double Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

json Labels(const LabelPairs& labels) {
  json out = json::object();
  for (const auto& [name, value] : labels) out[name] = value;
  return out;
}

json Probe(const ProbeRecord& r, const std::string& logs_path) {
  return {{"id", r.id},
          {"target", r.target},
          {"module", r.module},
          {"time", TimeOrNull(Seconds(r.time))},
          {"success", r.success},
          {"reason", FailureReasonName(r.reason)},
          {"duration_seconds", r.duration_seconds},
          {"cert_expiry", r.cert_expiry_seconds ? TimeOrNull(*r.cert_expiry_seconds) : nullptr},
          {"log_url", logs_path + "?id=" + std::to_string(r.id)}};
}

json Target(const TargetReport& t, const std::string& logs_path) {
  json trend = json::array();
  for (const TrendPoint& p : t.trend) {
    trend.push_back({{"duration_seconds", p.duration_seconds}, {"success", p.success}});
  }
  return {{"target", t.target},
          {"module", t.module},
          {"labels", Labels(t.labels)},
          {"control", t.control},
          {"state", OutageStateName(t.state)},
          {"since", TimeOrNull(t.since_seconds)},
          {"latest_probe", t.latest ? Probe(*t.latest, logs_path) : json(nullptr)},
          {"recent_probes", trend}};
}

json Service(const ServiceReport& s, const std::string& logs_path) {
  json targets = json::array();
  for (const TargetReport& t : s.targets) targets.push_back(Target(t, logs_path));
  return {{"name", s.name},
          {"verdict", OutageStateName(s.state)},
          {"reason", FailureReasonName(s.reason)},
          {"headline", s.Headline()},
          {"since", TimeOrNull(s.since_seconds)},
          {"status_pages", s.vendor_status_pages},
          {"targets", targets}};
}

json Page(const VendorStatusView& page) {
  json out = {{"name", page.name},
              {"up", page.up},
              {"last_success", TimeOrNull(page.last_success_seconds)},
              {"last_error", page.last_error.empty() ? json(nullptr) : json(page.last_error)},
              {"indicator", nullptr},
              {"components", json::array()},
              {"incidents", json::array()},
              {"maintenances", json::array()}};
  if (!page.summary) return out;
  out["indicator"] = page.summary->indicator;
  for (const VendorStatusComponent& c : page.summary->components) {
    out["components"].push_back(
        {{"name", c.name}, {"group", c.group}, {"is_group", c.is_group}, {"status", c.status}});
  }
  for (const VendorStatusIncident& i : page.summary->incidents) {
    out["incidents"].push_back({{"name", i.name},
                                {"impact", i.impact},
                                {"status", i.status},
                                {"shortlink", i.shortlink},
                                {"components", i.components}});
  }
  for (const VendorStatusMaintenance& m : page.summary->maintenances) {
    out["maintenances"].push_back({{"name", m.name}, {"components", m.components}});
  }
  return out;
}

// Incidents are the status page's incidents section: the last 90 days'
// incidents, and each service's month against its objective.
json Incidents(const IncidentOverview& overview) {
  json lines = json::array();
  for (const IncidentLine& l : overview.lines) {
    lines.push_back(
        {{"id", l.id}, {"service", l.service}, {"open", l.open}, {"summary", l.summary}});
  }
  json months = json::array();
  for (const ServiceHistory& h : overview.histories) {
    json budget = nullptr;
    if (h.month_budget) {
      budget = {{"objective", h.month_budget->objective},
                {"allowed_seconds", h.month_budget->allowed_seconds},
                {"left_seconds", h.month_budget->left_seconds},
                {"met", h.month_budget->met}};
    }
    months.push_back({{"service", h.service},
                      {"month", h.month},
                      {"availability", h.month_availability},
                      {"budget", budget}});
  }
  return {{"recent", lines}, {"this_month", months}};
}

}  // namespace

std::string StatusJson(const StatusReport& report, const std::string& logs_path) {
  json services = json::array();
  for (const ServiceReport& s : report.services) services.push_back(Service(s, logs_path));
  json pages = json::array();
  for (const VendorStatusView& p : report.vendor_status_pages) pages.push_back(Page(p));
  json recent = json::array();
  for (const auto& r : report.recent) recent.push_back(Probe(*r, logs_path));
  const json out = {
      {"exporter",
       {{"version", report.version},
        {"revision", report.revision},
        {"config_source", report.config_source},
        {"config_last_reload_successful", report.config_reload_successful},
        {"config_last_reload_success", TimeOrNull(report.config_reload_success_seconds)}}},
      {"generated_at", TimeOrNull(report.generated_seconds)},
      {"group_label", report.group_label},
      {"placement",
       {{"vantage",
         report.placement.vantage.empty() ? json(nullptr) : json(report.placement.vantage)},
        {"shard_index", report.placement.shard.index},
        {"shard_count", report.placement.shard.count},
        {"configured_targets", report.placement.configured_targets},
        {"served_targets", report.served_targets},
        {"control_targets", report.placement.control_targets},
        {"summary", PlacementSummary(report.placement, report.served_targets)}}},
      {"vantage_network_up",
       report.vantage_network_up ? json(*report.vantage_network_up) : json(nullptr)},
      {"services", services},
      {"status_pages", pages},
      {"incidents", Incidents(report.incidents)},
      {"recent_probes", recent}};
  // Replace invalid UTF-8 from a vendor page rather than throw.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace outage
