// See availability_report.h.
#include "exporter/status_page/availability_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "collectors/logfmt.h"
#include "config/duration.h"
#include "diagnosis/service_name.h"

namespace outage {
namespace {

using nlohmann::json;

// The status page's history covers this many days, today included.
constexpr int kHistoryDays = 90;

// Default rolling window without an objective (an objective's own wins).
constexpr Duration kDefaultWindow = Objective{}.window;

Period RollingWindow(Duration window, WallTime now) {
  return Period{now - window, now, "the " + FormatDuration(window) + " to now"};
}

ObjectiveFigures Figures(const Period& period, const Downtime& downtime, double objective) {
  return ObjectiveFigures{period, downtime, BudgetOf(objective, period, downtime)};
}

json FiguresJson(const Period& period, const Downtime& d, const std::optional<Objective>& o) {
  json out = {{"from", Rfc3339Millis(period.from)},
              {"to", Rfc3339Millis(period.to)},
              {"elapsed_seconds", d.elapsed_seconds},
              {"incidents", d.incidents},
              {"incident_seconds", d.incident_seconds},
              {"maintenance_seconds", d.maintenance_seconds},
              {"local_network_seconds", d.local_network_seconds},
              {"unobserved_seconds", d.unobserved_seconds},
              {"downtime_seconds", d.downtime_seconds},
              {"availability", d.Availability()},
              {"budget", nullptr}};
  if (o) {
    const Budget b = BudgetOf(o->ratio, period, d);
    out["budget"] = {
        {"allowed_seconds", b.allowed_seconds}, {"left_seconds", b.left_seconds}, {"met", b.met}};
  }
  return out;
}

json ObjectiveJson(const std::optional<Objective>& o) {
  if (!o) return nullptr;
  return {{"objective", o->ratio},
          {"window", FormatDuration(o->window)},
          {"window_seconds", std::chrono::duration<double>(o->window).count()}};
}

std::vector<Incident> OfService(const std::vector<Incident>& incidents,
                                const std::string& service) {
  std::vector<Incident> out;
  for (const Incident& i : incidents) {
    if (i.service == service) out.push_back(i);
  }
  return out;
}

}  // namespace

std::optional<Objective> ServiceObjective(const Config& config, const std::string& service) {
  auto it = config.service_objectives.find(service);
  if (it == config.service_objectives.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ServiceNames(const Config& config, const std::string& group_label,
                                      const std::vector<Incident>& incidents) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const Target& t : config.targets) {
    if (!t.control) add(ServiceName(t, group_label));
  }
  for (const Incident& i : incidents) add(i.service);
  return names;
}

IncidentImpact ImpactOf(const Incident& incident, const std::vector<Incident>& service_incidents,
                        const Objective& objective, WallTime now) {
  IncidentImpact impact;
  const Period own{incident.start, incident.end.value_or(now), ""};
  impact.incident_downtime_seconds = ServiceDowntime({incident}, own, now).downtime_seconds;
  const Period month = MonthOf(incident.start);
  impact.month = Figures(month, ServiceDowntime(service_incidents, month, now), objective.ratio);
  const Period window = RollingWindow(objective.window, now);
  impact.window = Figures(window, ServiceDowntime(service_incidents, window, now), objective.ratio);
  return impact;
}

ServiceHistory HistoryOf(const std::string& service, const std::vector<Incident>& service_incidents,
                         const std::optional<Objective>& objective, WallTime now) {
  ServiceHistory h;
  h.service = service;
  const Period today = DayOf(now);
  for (int back = kHistoryDays - 1; back >= 0; --back) {
    const WallTime from = today.from - std::chrono::hours(24) * back;
    const Period day = DayOf(from);
    DayRecord record;
    record.date = day.label;
    double longest = 0;
    for (const Incident& i : service_incidents) {
      const Downtime d = ServiceDowntime({i}, day, now);
      record.incident_seconds += d.incident_seconds;
      record.downtime_seconds += d.downtime_seconds;
      if (d.incident_seconds > longest) {
        longest = d.incident_seconds;
        record.incident_id = i.id;
      }
    }
    h.days.push_back(record);
  }
  const Period month = MonthOf(now);
  const Downtime d = ServiceDowntime(service_incidents, month, now);
  h.month = month.label;
  h.month_availability = d.Availability();
  if (objective) h.month_budget = BudgetOf(objective->ratio, month, d);
  return h;
}

std::optional<std::string> AvailabilityJson(const Config& config, const std::string& group_label,
                                            const std::vector<Incident>& incidents,
                                            const AvailabilityQuery& query, WallTime now) {
  json services = json::array();
  for (const std::string& service : ServiceNames(config, group_label, incidents)) {
    if (!query.service.empty() && service != query.service) continue;
    const std::vector<Incident> own = OfService(incidents, service);
    json targets = json::array();
    for (const Target& t : config.targets) {
      if (t.control || ServiceName(t, group_label) != service) continue;
      // Asked for by the target as shown (its URL password redacted) or as
      // configured; answered with the shown form only.
      if (!query.target.empty() && t.target != query.target && t.identity.display != query.target) {
        continue;
      }
      const Period window = RollingWindow(t.objective ? t.objective->window : kDefaultWindow, now);
      targets.push_back(
          {{"target", t.identity.display},
           {"module", t.module},
           {"objective", ObjectiveJson(t.objective)},
           {"month",
            FiguresJson(query.month,
                        TargetDowntime(own, t.identity.display, t.module, query.month, now),
                        t.objective)},
           {"window",
            FiguresJson(window, TargetDowntime(own, t.identity.display, t.module, window, now),
                        t.objective)}});
    }
    if (!query.target.empty() && targets.empty()) continue;
    const std::optional<Objective> objective = ServiceObjective(config, service);
    const Period window = RollingWindow(objective ? objective->window : kDefaultWindow, now);
    services.push_back(
        {{"service", service},
         {"objective", ObjectiveJson(objective)},
         {"month", FiguresJson(query.month, ServiceDowntime(own, query.month, now), objective)},
         {"window", FiguresJson(window, ServiceDowntime(own, window, now), objective)},
         {"targets", targets}});
  }
  if (services.empty() && (!query.service.empty() || !query.target.empty())) return std::nullopt;
  const json out = {
      {"month", query.month.label}, {"now", Rfc3339Millis(now)}, {"services", services}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace outage
