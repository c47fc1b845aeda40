// The one place where a probe's time budget is computed (blackbox's
// getTimeout): Prometheus' scrape timeout minus a safety offset, capped by
// the module's own timeout.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "config/config.h"

namespace outage {

// Without a scrape-timeout header or a module timeout, probes get this long
// (blackbox: 120 s, which outlives any sane scrape).
inline constexpr std::chrono::milliseconds kDefaultProbeTimeout{10'000};
// Never hand a probe less than this, whatever the header says.
inline constexpr std::chrono::milliseconds kMinProbeTimeout{10};

// ProbeTimeout returns the budget for one probe. `scrape_timeout_header` is
// the X-Prometheus-Scrape-Timeout-Seconds value, if any (an unparsable or
// non-positive value is ignored). `module_timeout` of zero means unset.
std::chrono::milliseconds ProbeTimeout(const std::optional<std::string>& scrape_timeout_header,
                                       std::chrono::milliseconds offset,
                                       std::chrono::milliseconds module_timeout);

}  // namespace outage
