// See service_name.h.
#include "diagnosis/service_name.h"

namespace outage {

std::string ServiceName(const Target& t, const std::string& group_label) {
  for (const auto& [name, value] : t.labels) {
    if (name == group_label && !value.empty()) return value;
  }
  // Control targets are canaries of our own network, not services anyone
  // depends on: together they answer "is it us?".
  if (t.control) return kControlServiceName;
  return t.identity.display;
}

}  // namespace outage
