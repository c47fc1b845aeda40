// VendorStatusSummary: what an Atlassian Statuspage v2 summary.json says, as
// plain data with every vendor enum normalised to a fixed set ("unknown"
// for values we do not know), so label values stay bounded.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace outage {

// kVendorStatusIndicators are the values of status.indicator.
inline constexpr std::array<std::string_view, 6> kVendorStatusIndicators = {
    "none", "minor", "major", "critical", "maintenance", "unknown"};
// kComponentStatuses are the values of components[].status.
inline constexpr std::array<std::string_view, 6> kComponentStatuses = {
    "operational",  "degraded_performance", "partial_outage",
    "major_outage", "under_maintenance",    "unknown"};
// kIncidentImpacts are the values of incidents[].impact.
inline constexpr std::array<std::string_view, 5> kIncidentImpacts = {"none", "minor", "major",
                                                                     "critical", "unknown"};
// kIncidentStatuses are the values of incidents[].status.
inline constexpr std::array<std::string_view, 6> kIncidentStatuses = {
    "investigating", "identified", "monitoring", "resolved", "postmortem", "unknown"};

struct VendorStatusComponent {
  std::string name;
  std::string group;  // name of the group it belongs to; "" at the top level
  bool is_group = false;
  std::string status;  // one of kComponentStatuses
};

// VendorStatusIncident is an unresolved incident.
struct VendorStatusIncident {
  std::string name;
  std::string impact;  // one of kIncidentImpacts
  std::string status;  // one of kIncidentStatuses
  std::string shortlink;
  std::vector<std::string> components;  // names of affected components
};

// VendorStatusMaintenance is a scheduled maintenance in progress.
struct VendorStatusMaintenance {
  std::string name;
  std::vector<std::string> components;  // names of affected components
};

struct VendorStatusSummary {
  std::string page_name;                          // page.name, for logs
  std::string indicator = "unknown";              // one of kVendorStatusIndicators
  std::vector<VendorStatusComponent> components;  // unique by (group, name)
  std::vector<VendorStatusIncident> incidents;
  std::vector<VendorStatusMaintenance> maintenances;
};

}  // namespace outage
