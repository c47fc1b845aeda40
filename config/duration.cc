// Prometheus duration syntax, matching model.ParseDuration and
// model.Duration.String() so configs and /config output read the same as in
// Prometheus and blackbox_exporter.
#include "config/duration.h"

#include <cstdint>
#include <limits>

namespace outage {
namespace {

struct Unit {
  std::string_view name;
  int64_t millis;
};

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kYear = 365 * kDay;

// Largest first; ParseDuration requires terms in this order.
constexpr Unit kUnits[] = {{"y", kYear},   {"w", kWeek},   {"d", kDay}, {"h", kHour},
                           {"m", kMinute}, {"s", kSecond}, {"ms", 1}};
constexpr size_t kUnitCount = sizeof(kUnits) / sizeof(kUnits[0]);

// UnitAt returns the index of the unit that `text` starts with, preferring
// "ms" over "m", or kUnitCount when none does.
size_t UnitAt(std::string_view text) {
  if (text.substr(0, 2) == "ms") return kUnitCount - 1;
  for (size_t i = 0; i + 1 < kUnitCount; ++i) {
    if (text.substr(0, kUnits[i].name.size()) == kUnits[i].name) return i;
  }
  return kUnitCount;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration(0);
  if (text.empty()) return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  size_t next_unit = 0;  // units before this index were used or skipped
  while (!text.empty()) {
    if (!IsDigit(text[0])) return std::nullopt;
    int64_t value = 0;
    while (!text.empty() && IsDigit(text[0])) {
      const int digit = text[0] - '0';
      if (value > (kMax - digit) / 10) return std::nullopt;
      value = value * 10 + digit;
      text.remove_prefix(1);
    }
    const size_t unit = UnitAt(text);
    if (unit == kUnitCount || unit < next_unit) return std::nullopt;
    text.remove_prefix(kUnits[unit].name.size());
    next_unit = unit + 1;
    if (value > kMax / kUnits[unit].millis) return std::nullopt;
    const int64_t term = value * kUnits[unit].millis;
    if (total > kMax - term) return std::nullopt;
    total += term;
  }
  return Duration(total);
}

std::string FormatDuration(Duration d) {
  if (d.count() == 0) return "0s";
  std::string out;
  // Prometheus never prints negative durations; show the sign, not nothing.
  auto ms = static_cast<uint64_t>(d.count());
  if (d.count() < 0) {
    out = "-";
    ms = 0 - ms;
  }
  for (const Unit& unit : kUnits) {
    const auto unit_ms = static_cast<uint64_t>(unit.millis);
    // Years and weeks only when exact: "90d" reads better than "12w6d".
    const bool exact_only = unit.millis == kYear || unit.millis == kWeek;
    if (exact_only && ms % unit_ms != 0) continue;
    const uint64_t value = ms / unit_ms;
    if (value > 0) {
      out += std::to_string(value);
      out += unit.name;
      ms -= value * unit_ms;
    }
  }
  return out;
}

}  // namespace outage
