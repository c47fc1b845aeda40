// Parses an Atlassian Statuspage v2 /api/v2/summary.json document.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collectors/vendor_status/vendor_status_summary.h"

namespace outage {

// ParseVendorStatusSummary reads `json`. Malformed or truncated JSON, or a
// document that is not a summary (no "status" object), returns nullopt with
// *error set; unexpected field types and unknown enum values are tolerated
// ("unknown", ""), so a vendor's schema drift never drops the page. Never
// throws.
std::optional<VendorStatusSummary> ParseVendorStatusSummary(std::string_view json,
                                                            std::string* error);

}  // namespace outage
