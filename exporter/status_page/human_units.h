// Durations and ratios as the status page and the incident reports write
// them for people.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

namespace outage {

// MinutesText is "17 min", "under a minute" for a moment, "0 min" for none.
std::string MinutesText(double seconds);

// PercentText is a ratio with three decimals: 0.999 is "99.900%".
std::string PercentText(double ratio);

}  // namespace outage
