// See diagnosis_parser.h.
#include "config/diagnosis_parser.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <utility>

#include "config/duration.h"
#include "config/time_zone.h"
#include "config/url.h"

namespace outage::config_internal {
namespace {

constexpr std::string_view kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};
// A recurring window longer than a week would always be open.
constexpr Duration kMaxRecurringDuration{7 * 24 * 3600 * 1000LL};

// Where a null value's error points: its key (a null node has no position).
const YAML::Node& ErrorNode(const MapEntry& entry) {
  return entry.value.IsNull() ? entry.key : entry.value;
}

bool ReadRequiredString(YamlReader& reader, const MapEntry& entry, std::string* out) {
  if (!reader.ReadString(entry.value, entry.path, out)) return false;
  if (out->empty()) return reader.Fail(ErrorNode(entry), entry.path, "must not be empty");
  return true;
}

bool ReadDuration(YamlReader& reader, const MapEntry& entry, Duration* out) {
  std::string text;
  if (!reader.ReadString(entry.value, entry.path, &text)) return false;
  if (entry.value.IsNull()) return true;
  const std::optional<Duration> d = ParseDuration(text);
  if (!d) {
    return reader.Fail(entry.value, entry.path,
                       "invalid duration " + Quote(text) + " (use e.g. 30s, 5m, 1h30m)");
  }
  *out = *d;
  return true;
}

bool ReadPositiveInt(YamlReader& reader, const MapEntry& entry, int* out) {
  int64_t value = *out;
  if (!reader.ReadInt(entry.value, entry.path, &value)) return false;
  if (value < 1 || value > 1000000) {
    return reader.Fail(entry.value, entry.path,
                       "must be between 1 and 1000000, got " + entry.value.Scalar());
  }
  *out = static_cast<int>(value);
  return true;
}

bool TwoDigits(const std::string& s, size_t at, int* out) {
  if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
      !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
    return false;
  }
  *out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

// ParseClock reads "hh:mm" (24-hour) into minutes after midnight.
bool ParseClock(const std::string& text, int* minutes) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !TwoDigits(text, 0, &h) || !TwoDigits(text, 3, &m) ||
      h > 23 || m > 59) {
    return false;
  }
  *minutes = h * 60 + m;
  return true;
}

bool ParseWeekdays(YamlReader& reader, const MapEntry& entry, std::vector<int>* out) {
  if (entry.value.IsScalar()) {
    if (entry.value.Scalar() != "daily") {
      return reader.Fail(entry.value, entry.path,
                         "expected \"daily\" or a list of weekdays, got " + Describe(entry.value));
    }
    *out = {0, 1, 2, 3, 4, 5, 6};
    return true;
  }
  std::vector<YAML::Node> items;
  if (!reader.Items(entry.value, entry.path, &items)) return false;
  if (items.empty()) return reader.Fail(ErrorNode(entry), entry.path, "needs at least one weekday");
  std::set<int> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath(entry.path, i);
    std::string name;
    if (!reader.ReadString(items[i], path, &name)) return false;
    int day = 0;
    while (day < 7 && kWeekdays[day] != name) ++day;
    if (day == 7) return reader.FailNotOneOf(items[i], path, name, {kWeekdays, kWeekdays + 7});
    if (!seen.insert(day).second)
      return reader.Fail(items[i], path, "duplicate weekday " + Quote(name));
  }
  out->assign(seen.begin(), seen.end());
  return true;
}

bool ReadTimestamp(YamlReader& reader, const MapEntry& entry, std::optional<int64_t>* out) {
  std::string text;
  if (!ReadRequiredString(reader, entry, &text)) return false;
  int64_t unix = 0;
  if (!ParseRfc3339(text, &unix)) {
    return reader.Fail(entry.value, entry.path,
                       "invalid time " + Quote(text) +
                           " (want RFC 3339, e.g. 2024-05-01T22:00:00Z or ...T22:00:00+02:00)");
  }
  *out = unix;
  return true;
}

bool ParseWindow(YamlReader& reader, const YAML::Node& node, const std::string& path,
                 MaintenanceWindow* out) {
  if (!node.IsMap()) return reader.Fail(node, path, "expected a map, got " + Describe(node));
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  const MapEntry* start = nullptr;
  const MapEntry* end = nullptr;
  const MapEntry* every = nullptr;
  const MapEntry* duration = nullptr;
  const MapEntry* timezone = nullptr;
  for (const MapEntry& entry : entries) {
    if (entry.name == "name") {
      if (!reader.ReadString(entry.value, entry.path, &out->name)) return false;
    } else if (entry.name == "start") {
      start = &entry;
    } else if (entry.name == "end") {
      end = &entry;
    } else if (entry.name == "every") {
      every = &entry;
    } else if (entry.name == "duration") {
      duration = &entry;
    } else if (entry.name == "timezone") {
      timezone = &entry;
    } else {
      return reader.UnknownKey(entry);
    }
  }
  if (start == nullptr) return reader.MissingKey(node, path, "start");
  if (every == nullptr) {  // one-off
    for (const MapEntry* recurring_only : {duration, timezone}) {
      if (recurring_only != nullptr) {
        return reader.Fail(recurring_only->key, recurring_only->path,
                           "only recurring windows (with \"every\") take " +
                               Quote(recurring_only->name) + "; a one-off window takes \"end\"");
      }
    }
    if (end == nullptr) return reader.MissingKey(node, path, "end");
    if (!ReadTimestamp(reader, *start, &out->start_unix) ||
        !ReadTimestamp(reader, *end, &out->end_unix)) {
      return false;
    }
    if (*out->end_unix <= *out->start_unix) {
      return reader.Fail(end->value, end->path, "must be after start");
    }
    return true;
  }
  if (end != nullptr) {
    return reader.Fail(end->key, end->path,
                       "a recurring window (with \"every\") takes \"duration\", not \"end\"");
  }
  if (!ParseWeekdays(reader, *every, &out->weekdays)) return false;
  std::string clock;
  if (!ReadRequiredString(reader, *start, &clock)) return false;
  if (!ParseClock(clock, &out->start_minute_of_day)) {
    return reader.Fail(start->value, start->path,
                       "invalid time of day " + Quote(clock) + " (want hh:mm, 24-hour)");
  }
  if (duration == nullptr) return reader.MissingKey(node, path, "duration");
  if (!ReadDuration(reader, *duration, &out->duration)) return false;
  if (out->duration <= Duration(0) || out->duration > kMaxRecurringDuration) {
    return reader.Fail(ErrorNode(*duration), duration->path, "must be more than 0 and at most 1w");
  }
  if (timezone != nullptr && !ReadRequiredString(reader, *timezone, &out->timezone)) return false;
  std::string why;
  out->zone = TimeZone::Load(out->timezone, &why);
  if (out->zone == nullptr) {
    return reader.Fail(timezone != nullptr ? timezone->value : node,
                       timezone != nullptr ? timezone->path : path,
                       Quote(out->timezone) + ": " + why);
  }
  return true;
}

bool ParseVendorStatusLink(YamlReader& reader, const MapEntry& link,
                           const std::vector<VendorStatusPage>& pages, VendorStatusLink* out) {
  if (!link.value.IsMap()) {
    return reader.Fail(ErrorNode(link), link.path, "expected a map, got " + Describe(link.value));
  }
  std::vector<MapEntry> entries;
  if (!reader.Entries(link.value, link.path, &entries)) return false;
  const MapEntry* page = nullptr;
  for (const MapEntry& entry : entries) {
    if (entry.name == "page") {
      page = &entry;
    } else if (entry.name == "components") {
      if (!reader.ReadStringList(entry.value, entry.path, &out->components)) return false;
      for (size_t i = 0; i < out->components.size(); ++i) {
        if (out->components[i].empty()) {
          return reader.Fail(entry.value[i], IndexPath(entry.path, i), "must not be empty");
        }
      }
    } else {
      return reader.UnknownKey(entry);
    }
  }
  if (page == nullptr) return reader.MissingKey(link.value, link.path, "page");
  if (!ReadRequiredString(reader, *page, &out->page)) return false;
  for (const VendorStatusPage& p : pages) {
    if (p.name == out->page) return true;
  }
  return reader.Fail(page->value, page->path,
                     "unknown status page " + Quote(out->page) + " (not in status_pages)");
}

}  // namespace

bool IsHysteresisKey(const std::string& name) {
  return name == "failure_threshold" || name == "recovery_threshold" || name == "degraded_latency";
}

bool ParseHysteresisEntry(YamlReader& reader, const MapEntry& entry, Hysteresis* out) {
  if (entry.name == "failure_threshold") {
    return ReadPositiveInt(reader, entry, &out->failure_threshold);
  }
  if (entry.name == "recovery_threshold") {
    return ReadPositiveInt(reader, entry, &out->recovery_threshold);
  }
  return ReadDuration(reader, entry, &out->degraded_latency);
}

bool ParseVendorStatusPages(YamlReader& reader, const YAML::Node& node,
                            std::vector<VendorStatusPage>* out) {
  std::vector<YAML::Node> items;
  if (!reader.Items(node, "status_pages", &items)) return false;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath("status_pages", i);
    if (!items[i].IsMap()) {
      return reader.Fail(items[i], path, "expected a map, got " + Describe(items[i]));
    }
    std::vector<MapEntry> entries;
    if (!reader.Entries(items[i], path, &entries)) return false;
    VendorStatusPage page;
    const MapEntry* name = nullptr;
    const MapEntry* url = nullptr;
    for (const MapEntry& entry : entries) {
      if (entry.name == "name") {
        name = &entry;
      } else if (entry.name == "url") {
        url = &entry;
      } else if (entry.name == "refresh_interval") {
        if (!ReadDuration(reader, entry, &page.refresh_interval)) return false;
        if (page.refresh_interval <= Duration(0)) {
          return reader.Fail(ErrorNode(entry), entry.path, "must be more than 0");
        }
      } else {
        return reader.UnknownKey(entry);
      }
    }
    if (name == nullptr) return reader.MissingKey(items[i], path, "name");
    if (!ReadRequiredString(reader, *name, &page.name)) return false;
    for (const VendorStatusPage& earlier : *out) {
      if (earlier.name == page.name) {
        return reader.Fail(name->value, name->path, "duplicate status page " + Quote(page.name));
      }
    }
    if (url == nullptr) return reader.MissingKey(items[i], path, "url");
    if (!ReadRequiredString(reader, *url, &page.url)) return false;
    if (!IsHttpUrl(page.url)) {
      return reader.Fail(url->value, url->path,
                         "invalid URL " + Quote(page.url) + " (want http:// or https://)");
    }
    out->push_back(std::move(page));
  }
  return true;
}

bool ParseMaintenanceWindows(YamlReader& reader, const YAML::Node& node, const std::string& path,
                             std::vector<MaintenanceWindow>* out) {
  std::vector<YAML::Node> items;
  if (!reader.Items(node, path, &items)) return false;
  for (size_t i = 0; i < items.size(); ++i) {
    MaintenanceWindow window;
    if (!ParseWindow(reader, items[i], IndexPath(path, i), &window)) return false;
    out->push_back(std::move(window));
  }
  return true;
}

bool ParseTargetDiagnosisEntry(YamlReader& reader, const MapEntry& entry,
                               const std::vector<VendorStatusPage>& pages, Target* out,
                               bool* known) {
  *known = true;
  if (entry.name == "control") return reader.ReadBool(entry.value, entry.path, &out->control);
  if (IsHysteresisKey(entry.name)) return ParseHysteresisEntry(reader, entry, &out->hysteresis);
  if (entry.name == "min_interval") return ReadDuration(reader, entry, &out->min_interval);
  if (entry.name == "maintenance") {
    return ParseMaintenanceWindows(reader, entry.value, entry.path, &out->maintenance);
  }
  if (entry.name == "status_page") {
    VendorStatusLink link;
    if (!ParseVendorStatusLink(reader, entry, pages, &link)) return false;
    out->vendor_status_link = std::move(link);
    return true;
  }
  *known = false;
  return true;
}

bool ParseRfc3339(const std::string& s, int64_t* unix_seconds) {
  // 2024-05-01T10:00:00[.fff](Z|+hh:mm|-hh:mm)
  int year_hi = 0, year_lo = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (s.size() < 20 || !TwoDigits(s, 0, &year_hi) || !TwoDigits(s, 2, &year_lo) || s[4] != '-' ||
      !TwoDigits(s, 5, &month) || s[7] != '-' || !TwoDigits(s, 8, &day) ||
      (s[10] != 'T' && s[10] != 't') || !TwoDigits(s, 11, &hour) || s[13] != ':' ||
      !TwoDigits(s, 14, &minute) || s[16] != ':' || !TwoDigits(s, 17, &second)) {
    return false;
  }
  const int year = year_hi * 100 + year_lo;
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  size_t at = 19;
  if (s[at] == '.') {
    ++at;
    const size_t digits = at;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) ++at;
    if (at == digits) return false;
  }
  int offset = 0;
  if (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    offset = 0;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    int oh = 0, om = 0;
    if (!TwoDigits(s, at + 1, &oh) || !TwoDigits(s, at + 4, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (s[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return false;
  }
  *unix_seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                  std::min(second, 59) - offset;
  return true;
}

}  // namespace outage::config_internal
