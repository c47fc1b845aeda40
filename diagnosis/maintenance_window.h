// Whether a configured maintenance window is open at a given instant.
#pragma once

#include <vector>

#include "config/config.h"
#include "diagnosis/clock.h"

namespace outage {

// WindowOpen reports whether `window` is open at `t`: one-off windows are
// [start, end); a recurring one opens at its local start time on each listed
// weekday (in its zone, daylight saving included) and stays open for its
// duration of elapsed time, so a window may run past midnight.
bool WindowOpen(const MaintenanceWindow& window, WallTime t);

// AnyWindowOpen reports whether any of `windows` is open at `t`.
bool AnyWindowOpen(const std::vector<MaintenanceWindow>& windows, WallTime t);

}  // namespace outage
