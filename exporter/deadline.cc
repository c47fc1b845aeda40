#include "exporter/deadline.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace outage {

std::chrono::milliseconds ProbeTimeout(const std::optional<std::string>& scrape_timeout_header,
                                       std::chrono::milliseconds offset,
                                       std::chrono::milliseconds module_timeout) {
  using std::chrono::milliseconds;
  // Without a usable header the module's timeout applies, or our default.
  milliseconds budget = module_timeout.count() > 0 ? module_timeout : kDefaultProbeTimeout;
  if (scrape_timeout_header && !scrape_timeout_header->empty()) {
    char* end = nullptr;
    const double seconds = std::strtod(scrape_timeout_header->c_str(), &end);
    if (end != scrape_timeout_header->c_str() && *end == '\0' && std::isfinite(seconds) &&
        seconds > 0) {
      budget = milliseconds(static_cast<int64_t>(seconds * 1000)) - offset;
    }
  }
  if (module_timeout.count() > 0 && module_timeout < budget) budget = module_timeout;
  return std::max(budget, kMinProbeTimeout);
}

}  // namespace outage
