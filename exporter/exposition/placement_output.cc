// See placement_output.h.
#include "exporter/exposition/placement_output.h"

#include <string>

namespace outage {

void AddPlacement(const Placement& placement, size_t served_targets, FamilySet* out) {
  out->AddGauge("outage_exporter_shard_info",
                "The shard of the configured targets this exporter probes (index of count, "
                "1-based); control targets are probed by every shard",
                {{"index", std::to_string(placement.shard.index)},
                 {"count", std::to_string(placement.shard.count)}},
                1);
  const char* help =
      "Configured targets: in the config file (configured), probed by this shard (served), "
      "control targets among them (control)";
  out->AddGauge("outage_exporter_targets", help, {{"scope", "configured"}},
                static_cast<double>(placement.configured_targets));
  out->AddGauge("outage_exporter_targets", help, {{"scope", "served"}},
                static_cast<double>(served_targets));
  out->AddGauge("outage_exporter_targets", help, {{"scope", "control"}},
                static_cast<double>(placement.control_targets));
  if (!placement.vantage.empty()) {
    out->AddGauge("outage_exporter_vantage_info",
                  "The vantage point this exporter probes from (--vantage)",
                  VantageLabels(placement), 1);
  }
}

std::string PlacementSummary(const Placement& placement, size_t served_targets) {
  std::string out;
  if (!placement.vantage.empty()) out += "Vantage " + placement.vantage + ".";
  if (placement.shard.count > 1) {
    if (!out.empty()) out += " ";
    out += "Shard " + std::to_string(placement.shard.index) + " of " +
           std::to_string(placement.shard.count) + ": " + std::to_string(served_targets) + " of " +
           std::to_string(placement.configured_targets) + " configured targets";
    if (placement.control_targets > 0) {
      out += " (" + std::to_string(placement.control_targets) +
             (placement.control_targets == 1 ? " control target" : " control targets") +
             ", probed by every shard)";
    }
    out += ".";
  }
  return out;
}

LabelPairs VantageLabels(const Placement& placement) {
  if (placement.vantage.empty()) return {};
  return {{"vantage", placement.vantage}};
}

}  // namespace outage
