// See incident.h.
#include "diagnosis/incidents/incident.h"

#include <algorithm>

namespace outage {

double Span::Seconds() const {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

void AddSpan(std::vector<Span>* spans, WallTime from, WallTime to) {
  if (to <= from) return;
  if (!spans->empty() && spans->back().to == from) {
    spans->back().to = to;
    return;
  }
  spans->push_back(Span{from, to});
}

double SpanSeconds(const std::vector<Span>& spans) {
  double total = 0;
  for (const Span& s : spans) total += s.Seconds();
  return total;
}

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
