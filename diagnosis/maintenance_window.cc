// See maintenance_window.h.
#include "diagnosis/maintenance_window.h"

#include <algorithm>

#include "config/time_zone.h"

namespace outage {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

bool WindowOpen(const MaintenanceWindow& w, WallTime t) {
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  if (!w.recurring()) {
    return w.start_unix && w.end_unix && now_ms >= *w.start_unix * 1000 &&
           now_ms < *w.end_unix * 1000;
  }
  const std::shared_ptr<const TimeZone> zone = w.zone ? w.zone : TimeZone::Utc();
  const int64_t duration_ms = w.duration.count();
  const int64_t local_ms = now_ms + int64_t{zone->OffsetAt(FloorDiv(now_ms, 1000))} * 1000;
  const int64_t today = FloorDiv(local_ms, kDayMs);
  // Windows that started on an earlier day may still be open; the extra day
  // covers offset changes between that day and now.
  const int64_t first = today - duration_ms / kDayMs - 1;
  for (int64_t day = first; day <= today; ++day) {
    if (std::find(w.weekdays.begin(), w.weekdays.end(), WeekdayFromDays(day)) == w.weekdays.end()) {
      continue;
    }
    const int64_t start_ms = zone->LocalToUnix(day * 86400 + w.start_minute_of_day * 60) * 1000;
    if (now_ms >= start_ms && now_ms < start_ms + duration_ms) return true;
  }
  return false;
}

bool AnyWindowOpen(const std::vector<MaintenanceWindow>& windows, WallTime t) {
  return std::any_of(windows.begin(), windows.end(),
                     [t](const MaintenanceWindow& w) { return WindowOpen(w, t); });
}

}  // namespace outage
