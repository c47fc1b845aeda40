// See incident.h.
#include "diagnosis/incidents/incident.h"

#include <algorithm>

namespace outage {

double Incident::DurationSeconds(WallTime now) const {
  return std::max(0.0, std::chrono::duration<double>(end.value_or(now) - start).count());
}

std::string Incident::FirstReason() const { return reasons.empty() ? "" : reasons.front().reason; }

std::string Incident::DominantReason() const {
  const ReasonSeen* best = nullptr;
  for (const ReasonSeen& r : reasons) {
    if (best == nullptr || r.probes > best->probes) best = &r;
  }
  return best == nullptr ? "" : best->reason;
}

}  // namespace outage
