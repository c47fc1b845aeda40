// Sparkline: a target's recent probe durations as a small inline SVG, drawn
// on the server so the status page needs no JavaScript and no image fetch.
#pragma once

#include <string>
#include <vector>

#include "exporter/state/probe_history.h"

namespace outage {

// Sparkline returns an <svg> element plotting `points` (oldest first) left
// to right, scaled to the slowest; a failed probe is a square marker on the
// baseline as well as a dip, so colour is not the only signal. It carries a
// text alternative (role="img", aria-label and <title>) with the count,
// failures and the fastest and slowest durations. "" for no points.
std::string Sparkline(const std::vector<TrendPoint>& points);

// FormatDuration renders seconds for people: "850 µs", "12.3 ms", "1.25 s".
std::string FormatDuration(double seconds);

}  // namespace outage
