// See vendor_status.h.
#include "diagnosis/vendor_status.h"

#include <algorithm>
#include <string>

namespace outage {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

VendorStatus VendorStatusFor(const VendorStatusLink& link, const VendorStatusSummary& summary) {
  const bool whole_page = link.components.empty();
  auto linked_component = [&](const VendorStatusComponent& c) {
    return whole_page || Contains(link.components, c.name) || Contains(link.components, c.group);
  };
  // Maintenances and incidents name components without their group.
  auto linked_name = [&](const std::string& name) {
    if (whole_page || Contains(link.components, name)) return true;
    return std::any_of(summary.components.begin(), summary.components.end(),
                       [&](const VendorStatusComponent& c) {
                         return c.name == name && Contains(link.components, c.group);
                       });
  };
  VendorStatus status;
  for (const VendorStatusComponent& c : summary.components) {
    if (!linked_component(c)) continue;
    status.maintenance |= c.status == "under_maintenance";
    status.outage |= c.status == "partial_outage" || c.status == "major_outage";
  }
  for (const VendorStatusMaintenance& m : summary.maintenances) {
    // A maintenance that names no components concerns the whole page.
    status.maintenance |=
        m.components.empty() || std::any_of(m.components.begin(), m.components.end(), linked_name);
  }
  if (whole_page) status.maintenance |= summary.indicator == "maintenance";
  for (const VendorStatusIncident& i : summary.incidents) {
    if (i.components.empty() ||
        std::any_of(i.components.begin(), i.components.end(), linked_name)) {
      status.incident = i;
      break;
    }
  }
  return status;
}

}  // namespace outage
