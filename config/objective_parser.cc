// See objective_parser.h.
#include "config/objective_parser.h"

#include <cmath>
#include <cstdlib>

#include "config/duration.h"

namespace outage::config_internal {
namespace {

constexpr Duration kMinWindow = std::chrono::hours(1);
constexpr Duration kMaxWindow = std::chrono::hours(400 * 24);

bool ParsePercent(YamlReader& reader, const MapEntry& entry, double* ratio) {
  std::string text;
  if (!reader.ReadString(entry.value, entry.path, &text)) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  const double percent = std::strtod(begin, &end);
  const bool is_percent = end != begin && std::string(end) == "%";
  if (!is_percent || !(percent > 0 && percent < 100)) {
    return reader.Fail(
        entry.value.IsNull() ? entry.key : entry.value, entry.path,
        "must be a percentage above 0% and below 100%, e.g. \"99.9%\"; got " + Quote(text));
  }
  // Nine decimals: "99.9%" is the double nearest 0.999, as people expect to
  // read it back.
  *ratio = std::round(percent * 1e7) / 1e9;
  return true;
}

bool ParseWindow(YamlReader& reader, const MapEntry& entry, Duration* out) {
  std::string text;
  if (!reader.ReadString(entry.value, entry.path, &text)) return false;
  const std::optional<Duration> d = ParseDuration(text);
  if (!d || *d < kMinWindow || *d > kMaxWindow) {
    return reader.Fail(entry.value.IsNull() ? entry.key : entry.value, entry.path,
                       "must be a duration from 1h to 400d, e.g. 30d; got " + Quote(text));
  }
  *out = *d;
  return true;
}

}  // namespace

bool ParseObjective(YamlReader& reader, const MapEntry* objective, const MapEntry* window,
                    std::optional<Objective>* out) {
  if (objective == nullptr) {
    if (window == nullptr) return true;
    return reader.Fail(window->key, window->path, "objective_window needs an objective");
  }
  Objective o;
  if (!ParsePercent(reader, *objective, &o.ratio)) return false;
  if (window != nullptr && !ParseWindow(reader, *window, &o.window)) return false;
  *out = o;
  return true;
}

bool ParseServices(YamlReader& reader, const YAML::Node& node,
                   std::map<std::string, Objective>* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  std::vector<MapEntry> services;
  if (!reader.Entries(node, "services", &services)) return false;
  for (const MapEntry& service : services) {
    if (service.name.empty()) return reader.Fail(service.key, service.path, "empty service name");
    std::vector<MapEntry> keys;
    if (!reader.Entries(service.value, service.path, &keys)) return false;
    const MapEntry* objective = nullptr;
    const MapEntry* window = nullptr;
    for (const MapEntry& key : keys) {
      if (key.name == "objective") {
        objective = &key;
      } else if (key.name == "objective_window") {
        window = &key;
      } else {
        return reader.UnknownKey(key);
      }
    }
    if (objective == nullptr) return reader.MissingKey(service.value, service.path, "objective");
    std::optional<Objective> parsed;
    if (!ParseObjective(reader, objective, window, &parsed)) {
      return false;
    }
    (*out)[service.name] = *parsed;
  }
  return true;
}

}  // namespace outage::config_internal
