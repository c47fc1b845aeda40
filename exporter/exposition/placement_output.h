// Renders which part of the configured targets this exporter serves, and
// from which vantage point, into /metrics samples.
#pragma once

#include <string>

#include "config/config.h"
#include "exporter/exposition/family_set.h"

namespace outage {

// AddPlacement appends outage_exporter_shard_info{index,count},
// outage_exporter_targets{scope="configured"|"served"|"control"} and, when a
// vantage is set, outage_exporter_vantage_info{vantage}.
void AddPlacement(const Placement& placement, size_t served_targets, FamilySet* out);

// PlacementSummary is one sentence for people: "Vantage eu-west. Shard 2 of
// 3: 4 of 10 configured targets (2 control targets, probed by every
// shard)." Empty for an unsharded exporter without a vantage.
std::string PlacementSummary(const Placement& placement, size_t served_targets);

// VantageLabels is {vantage="NAME"}, or empty when no vantage is set.
LabelPairs VantageLabels(const Placement& placement);

}  // namespace outage
