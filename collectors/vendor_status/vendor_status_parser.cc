// See vendor_status_parser.h. Field names follow the public Statuspage API
// (https://metastatuspage.com/api).
#include "collectors/vendor_status/vendor_status_parser.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace outage {
namespace {

using nlohmann::json;

// Text returns obj[key] when it is a string, else "".
std::string Text(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Flag returns obj[key] when it is a boolean, else false.
bool Flag(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

// Normalized returns obj[key] if it is one of `known`, else "unknown".
template <typename Known>
std::string Normalized(const json& obj, const char* key, const Known& known) {
  const std::string value = Text(obj, key);
  return std::find(known.begin(), known.end(), value) != known.end() ? value : "unknown";
}

// Objects returns the objects of the array obj[key] (other items skipped).
std::vector<const json*> Objects(const json& obj, const char* key) {
  std::vector<const json*> out;
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const json& item : *it) {
    if (item.is_object()) out.push_back(&item);
  }
  return out;
}

std::vector<std::string> ComponentNames(const json& obj) {
  std::vector<std::string> names;
  for (const json* c : Objects(obj, "components")) {
    std::string name = Text(*c, "name");
    if (!name.empty()) names.push_back(std::move(name));
  }
  return names;
}

void ParseComponents(const json& doc, VendorStatusSummary* out) {
  const std::vector<const json*> components = Objects(doc, "components");
  std::map<std::string, std::string> group_names;  // group id -> name
  for (const json* c : components) {
    if (Flag(*c, "group")) group_names[Text(*c, "id")] = Text(*c, "name");
  }
  std::set<std::pair<std::string, std::string>> seen;  // (group, name)
  for (const json* c : components) {
    VendorStatusComponent component;
    component.name = Text(*c, "name");
    const auto group = group_names.find(Text(*c, "group_id"));
    if (group != group_names.end()) component.group = group->second;
    component.is_group = Flag(*c, "group");
    component.status = Normalized(*c, "status", kComponentStatuses);
    // Duplicate (group, name) pairs would be duplicate series.
    if (component.name.empty() || !seen.emplace(component.group, component.name).second) continue;
    out->components.push_back(std::move(component));
  }
}

void ParseIncidents(const json& doc, VendorStatusSummary* out) {
  for (const json* i : Objects(doc, "incidents")) {
    VendorStatusIncident incident;
    incident.name = Text(*i, "name");
    incident.impact = Normalized(*i, "impact", kIncidentImpacts);
    incident.status = Normalized(*i, "status", kIncidentStatuses);
    if (incident.status == "resolved" || incident.status == "postmortem") continue;
    incident.shortlink = Text(*i, "shortlink");
    incident.components = ComponentNames(*i);
    out->incidents.push_back(std::move(incident));
  }
}

void ParseMaintenances(const json& doc, VendorStatusSummary* out) {
  for (const json* m : Objects(doc, "scheduled_maintenances")) {
    const std::string status = Text(*m, "status");
    if (status != "in_progress" && status != "verifying") continue;  // not yet, or over
    out->maintenances.push_back(VendorStatusMaintenance{Text(*m, "name"), ComponentNames(*m)});
  }
}

}  // namespace

std::optional<VendorStatusSummary> ParseVendorStatusSummary(std::string_view text,
                                                            std::string* error) try {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    *error = "malformed JSON";
    return std::nullopt;
  }
  const auto status = doc.is_object() ? doc.find("status") : doc.end();
  if (!doc.is_object() || status == doc.end() || !status->is_object()) {
    *error = "not a Statuspage summary (no \"status\" object)";
    return std::nullopt;
  }
  VendorStatusSummary summary;
  const auto page = doc.find("page");
  if (page != doc.end() && page->is_object()) summary.page_name = Text(*page, "name");
  summary.indicator = Normalized(*status, "indicator", kVendorStatusIndicators);
  ParseComponents(doc, &summary);
  ParseIncidents(doc, &summary);
  ParseMaintenances(doc, &summary);
  return summary;
} catch (const std::exception& e) {  // e.g. bad_alloc: a failed fetch, never a crash
  *error = std::string("cannot parse: ") + e.what();
  return std::nullopt;
}

}  // namespace outage
