// See diagnosis_output.h. Names and label sets are those of the diagnosis design; the
// rules in deploy/prometheus/rules depend on them.
#include "exporter/exposition/diagnosis_output.h"

#include <set>
#include <string>
#include <tuple>

namespace outage {
namespace {

template <typename Values>
void AddOneHot(SampleSink* out, std::string_view name, std::string_view help,
               const LabelPairs& labels, const char* label, const Values& values,
               std::string_view set) {
  for (const auto value : values) {
    out->AddGauge(name, help, labels, label, value, value == set ? 1 : 0);
  }
}

}  // namespace

void AddTargetDiagnosis(const TargetDiagnosis& d, const LabelPairs& labels, SampleSink* out) {
  static const std::vector<std::string_view> kStates = [] {
    std::vector<std::string_view> names;
    names.reserve(kAllOutageStates.size());
    for (OutageState s : kAllOutageStates) names.push_back(OutageStateName(s));
    return names;
  }();
  AddOneHot(out, "outage_state",
            "Outage state of the target after hysteresis (one-hot over up, degraded, down, "
            "maintenance, unknown)",
            labels, "state", kStates, OutageStateName(d.state));
  out->AddGauge("outage_consecutive_failures", "Consecutive failed probes of the target", labels,
                d.consecutive_failures);
  out->AddCounter("outage_state_changes_total", "Outage state changes of the target", labels,
                  static_cast<double>(d.state_changes));
  out->AddGauge("outage_last_state_change_timestamp_seconds",
                "When the target entered its current outage state (or was first configured)",
                labels, d.last_change_seconds);
  out->AddCounter("outage_down_seconds_total",
                  "Seconds the target has spent in state down (maintenance does not count)", labels,
                  d.down_seconds);
  out->AddGauge("outage_vendor_confirmed",
                "Whether the target's status page reports a partial or major outage on a linked "
                "component",
                labels, d.vendor_confirmed ? 1 : 0);
  out->AddGauge("outage_maintenance_active",
                "Whether a maintenance window is open for the target, configured or announced "
                "on its status page",
                labels, d.maintenance_active ? 1 : 0);
  if (d.last_run_seconds) {
    out->AddGauge("outage_probe_last_run_timestamp_seconds",
                  "When the target was last probed; scrapes within its min_interval share that "
                  "result",
                  labels, *d.last_run_seconds);
  }
}

namespace {

void AddPage(const VendorStatusView& page, FamilySet* out) {
  const LabelPairs labels = {{"page", page.name}};
  out->AddGauge("statuspage_up", "Whether the last fetch of the status page worked", labels,
                page.up ? 1 : 0);
  out->AddGauge("statuspage_last_success_timestamp_seconds",
                "When the status page was last fetched successfully (0: never)", labels,
                page.last_success_seconds);
  if (!page.summary) return;
  const VendorStatusSummary& s = *page.summary;
  AddOneHot(out, "statuspage_indicator", "Overall status indicator of the status page (one-hot)",
            labels, "indicator", kVendorStatusIndicators, s.indicator);
  bool maintenance = !s.maintenances.empty();
  for (const VendorStatusComponent& c : s.components) {
    const LabelPairs component = {{"page", page.name}, {"component", c.name}, {"group", c.group}};
    AddOneHot(out, "statuspage_component_status",
              "Status of a component on the status page (one-hot)", component, "status",
              kComponentStatuses, c.status);
    maintenance |= c.status == "under_maintenance";
  }
  for (const std::string_view impact : kIncidentImpacts) {
    double count = 0;
    for (const VendorStatusIncident& i : s.incidents) count += i.impact == impact ? 1 : 0;
    out->AddGauge("statuspage_incidents", "Unresolved incidents on the status page, by impact",
                  labels, "impact", impact, count);
  }
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
  for (const VendorStatusIncident& i : s.incidents) {
    if (!seen.emplace(i.name, i.impact, i.status, i.shortlink).second) continue;
    out->AddGauge("statuspage_incident_info", "An unresolved incident on the status page",
                  {{"page", page.name},
                   {"name", i.name},
                   {"impact", i.impact},
                   {"status", i.status},
                   {"shortlink", i.shortlink}},
                  1);
  }
  out->AddGauge("statuspage_maintenance_active",
                "Whether the status page reports maintenance in progress", labels,
                maintenance ? 1 : 0);
}

}  // namespace

void AddVantage(const DiagnosisSnapshot& snapshot, const LabelPairs& vantage_labels,
                FamilySet* out) {
  if (snapshot.vantage_network_up) {
    out->AddGauge("outage_vantage_network_up",
                  "Whether at least one control target succeeded in the latest scrape (0: this "
                  "vantage point's own network is down)",
                  vantage_labels, *snapshot.vantage_network_up ? 1 : 0);
  }
}

void AddVendorStatusPages(const std::vector<VendorStatusView>& pages, FamilySet* out) {
  for (const VendorStatusView& page : pages) AddPage(page, out);
}

}  // namespace outage
