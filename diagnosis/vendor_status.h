// What a vendor's status page says about one target: maintenance under way,
// or an outage the vendor itself confirms.
#pragma once

#include <optional>

#include "collectors/vendor_status/vendor_status_summary.h"
#include "config/config.h"

namespace outage {

struct VendorStatus {
  bool maintenance = false;  // a linked component is under maintenance
  bool outage = false;       // a linked component has a partial or major outage
  // The vendor's first unresolved incident on a linked component (or any,
  // for a link to the whole page), for the incident record.
  std::optional<VendorStatusIncident> incident;
};

// VendorStatusFor reads `summary` for the components `link` names (a group's
// name covers its members). A link without components covers the page as a
// whole: any maintenance in progress, any component in outage.
VendorStatus VendorStatusFor(const VendorStatusLink& link, const VendorStatusSummary& summary);

}  // namespace outage
