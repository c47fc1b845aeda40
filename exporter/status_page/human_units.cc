// See human_units.h.
#include "exporter/status_page/human_units.h"

#include <cmath>
#include <cstdio>

namespace outage {

std::string MinutesText(double seconds) {
  if (seconds <= 0) return "0 min";
  const long minutes = std::lround(seconds / 60);
  return minutes < 1 ? "under a minute" : std::to_string(minutes) + " min";
}

std::string PercentText(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f%%", ratio * 100);
  return text;
}

}  // namespace outage
