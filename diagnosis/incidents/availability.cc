// See availability.h.
#include "diagnosis/incidents/availability.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace outage {
namespace {

// Clipped keeps the parts of `spans` inside `window`.
std::vector<Span> Clipped(const std::vector<Span>& spans, const Span& window) {
  std::vector<Span> out;
  for (const Span& s : spans) {
    const Span c{std::max(s.from, window.from), std::min(s.to, window.to)};
    if (c.from < c.to) out.push_back(c);
  }
  return out;
}

// Covered is the time within `window` covered by any of `spans` (which may
// overlap).
double Covered(std::vector<Span> spans, const Span& window) {
  spans = Clipped(spans, window);
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.from < b.from; });
  double total = 0;
  std::optional<Span> run;
  for (const Span& s : spans) {
    if (run && s.from <= run->to) {
      run->to = std::max(run->to, s.to);
      continue;
    }
    if (run) total += run->Seconds();
    run = s;
  }
  if (run) total += run->Seconds();
  return total;
}

// Add charges one down stretch of `incident` (the incident itself or a
// target's part of it), clipped to `window`, to *out.
void Add(const Incident& incident, const Span& down, const Span& window, Downtime* out) {
  const std::vector<Span> clipped = Clipped({down}, window);
  if (clipped.empty()) return;
  const Span& c = clipped.front();
  out->incident_seconds += c.Seconds();
  out->maintenance_seconds += Covered(incident.maintenance, c);
  out->local_network_seconds += Covered(incident.local_network, c);
  out->unobserved_seconds += Covered(incident.gaps, c);
  std::vector<Span> excused = incident.maintenance;
  excused.insert(excused.end(), incident.local_network.begin(), incident.local_network.end());
  excused.insert(excused.end(), incident.gaps.begin(), incident.gaps.end());
  out->downtime_seconds += c.Seconds() - Covered(excused, c);
}

// Window is the part of `period` up to `now`.
Span Window(const Period& period, WallTime now) {
  return Span{period.from, std::max(period.from, std::min(period.to, now))};
}

std::string Format(const char* format, WallTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

WallTime FromUtc(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return WallTime(std::chrono::seconds(timegm(&tm)));
}

Period Month(int year, int month) {
  const WallTime from = FromUtc(year, month, 1);
  const WallTime to = month == 12 ? FromUtc(year + 1, 1, 1) : FromUtc(year, month + 1, 1);
  return Period{from, to, Format("%Y-%m", from)};
}

}  // namespace

double Downtime::Availability() const {
  if (elapsed_seconds <= 0) return 1;
  return std::clamp(1 - downtime_seconds / elapsed_seconds, 0.0, 1.0);
}

std::optional<Period> CalendarMonth(const std::string& text) {
  int year = 0;
  int month = 0;
  char end = 0;
  if (text.size() != 7 || text[4] != '-' ||
      std::sscanf(text.c_str(), "%4d-%2d%c", &year, &month, &end) != 2) {
    return std::nullopt;
  }
  if (year < 1970 || year > 9999 || month < 1 || month > 12) return std::nullopt;
  return Month(year, month);
}

Period MonthOf(WallTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return Month(tm.tm_year + 1900, tm.tm_mon + 1);
}

Period DayOf(WallTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  const WallTime from = FromUtc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return Period{from, from + std::chrono::hours(24), Format("%Y-%m-%d", from)};
}

Downtime ServiceDowntime(const std::vector<Incident>& incidents, const Period& period,
                         WallTime now) {
  const Span window = Window(period, now);
  Downtime out;
  out.elapsed_seconds = window.Seconds();
  for (const Incident& incident : incidents) {
    const double before = out.incident_seconds;
    Add(incident, Span{incident.start, incident.end.value_or(now)}, window, &out);
    if (out.incident_seconds > before) ++out.incidents;
  }
  return out;
}

Downtime TargetDowntime(const std::vector<Incident>& incidents, const std::string& target,
                        const std::string& module, const Period& period, WallTime now) {
  const Span window = Window(period, now);
  Downtime out;
  out.elapsed_seconds = window.Seconds();
  for (const Incident& incident : incidents) {
    const double before = out.incident_seconds;
    for (const IncidentPart& part : incident.parts) {
      if (part.target != target || part.module != module) continue;
      Add(incident, Span{part.start, part.end.value_or(incident.end.value_or(now))}, window, &out);
    }
    if (out.incident_seconds > before) ++out.incidents;
  }
  return out;
}

Budget BudgetOf(double objective, const Period& period, const Downtime& downtime) {
  Budget b;
  b.objective = objective;
  b.allowed_seconds = (1 - objective) * period.Seconds();
  b.left_seconds = b.allowed_seconds - downtime.downtime_seconds;
  b.met = b.left_seconds >= 0;
  return b;
}

}  // namespace outage
