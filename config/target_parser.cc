// See target_parser.h.
#include "config/target_parser.h"

#include <utility>

#include "config/diagnosis_parser.h"
#include "config/objective_parser.h"
#include "config/target_identity.h"
#include "config/target_text.h"
#include "config/url.h"

namespace outage::config_internal {
namespace {

bool IsLabelNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool ParseLabels(YamlReader& reader, const MapEntry& labels_entry, LabelPairs* out) {
  std::vector<MapEntry> labels;
  if (!reader.Entries(labels_entry.value, labels_entry.path, &labels)) {
    return false;
  }
  for (const MapEntry& label : labels) {
    const std::string problem = LabelNameProblem(label.name);
    if (!problem.empty()) return reader.Fail(label.key, label.path, problem);
    std::string value;
    if (!reader.ReadString(label.value, label.path, &value)) return false;
    out->emplace_back(label.name, std::move(value));
  }
  return true;
}

// ReadRequiredString reads a non-empty string; null or "" is an error at
// the key.
bool ReadRequiredString(YamlReader& reader, const MapEntry& entry, std::string* out) {
  if (!reader.ReadString(entry.value, entry.path, out)) return false;
  if (out->empty()) {
    const YAML::Node& at = entry.value.IsNull() ? entry.key : entry.value;
    return reader.Fail(at, entry.path, "must not be empty");
  }
  return true;
}

bool ParseTarget(YamlReader& reader, const YAML::Node& node, const std::string& path,
                 const std::map<std::string, Module>& modules,
                 const std::vector<VendorStatusPage>& pages, Target* out) {
  if (!node.IsMap()) {
    return reader.Fail(node, path, "expected a map, got " + Describe(node));
  }
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  const MapEntry* target = nullptr;
  const MapEntry* module = nullptr;
  const MapEntry* labels = nullptr;
  const MapEntry* objective = nullptr;
  const MapEntry* objective_window = nullptr;
  for (const MapEntry& entry : entries) {
    if (entry.name == "target") {
      target = &entry;
    } else if (entry.name == "module") {
      module = &entry;
    } else if (entry.name == "labels") {
      labels = &entry;
    } else if (entry.name == "objective") {
      objective = &entry;
    } else if (entry.name == "objective_window") {
      objective_window = &entry;
    } else {
      bool known = false;
      if (!ParseTargetDiagnosisEntry(reader, entry, pages, out, &known)) return false;
      if (!known) return reader.UnknownKey(entry);
    }
  }
  if (target == nullptr) return reader.MissingKey(node, path, "target");
  if (!ReadRequiredString(reader, *target, &out->target)) return false;
  if (const std::string problem = TargetTextProblem(out->target); !problem.empty()) {
    return reader.Fail(target->value, target->path, "the target " + problem);
  }
  if (module == nullptr) return reader.MissingKey(node, path, "module");
  if (!ReadRequiredString(reader, *module, &out->module)) return false;
  const auto found = modules.find(out->module);
  if (found == modules.end()) {
    return reader.Fail(module->value, module->path, "unknown module " + Quote(out->module));
  }
  if (!ParseObjective(reader, objective, objective_window, &out->objective)) return false;
  if (labels != nullptr && !ParseLabels(reader, *labels, &out->labels)) return false;
  IdentifyTarget(out);
  return true;
}

}  // namespace

std::string LabelNameProblem(const std::string& name) {
  // Labels the exporter sets itself, or that Prometheus attaches on scrape.
  static constexpr std::string_view kReserved[] = {"target", "module", "reason",   "phase",
                                                   "le",     "state",  "instance", "job"};
  bool valid = !name.empty() && IsLabelNameStart(name[0]);
  for (const char c : name) {
    valid = valid && (IsLabelNameStart(c) || (c >= '0' && c <= '9'));
  }
  if (!valid) {
    return "invalid label name " + Quote(name) + " (must match [a-zA-Z_][a-zA-Z0-9_]*)";
  }
  if (name.rfind("__", 0) == 0) {
    return "label name " + Quote(name) +
           " is reserved (names starting with \"__\" are internal to "
           "Prometheus)";
  }
  if (IsOneOf(name, kReserved)) {
    return "label name " + Quote(name) + " is reserved (the exporter or Prometheus sets it)";
  }
  return "";
}

bool ParseTargets(YamlReader& reader, const YAML::Node& node,
                  const std::map<std::string, Module>& modules, const Global& global,
                  const std::vector<VendorStatusPage>& pages, std::vector<Target>* out) {
  std::vector<YAML::Node> items;
  if (!reader.Items(node, "targets", &items)) return false;
  // (target, module) -> 1-based line of its first occurrence.
  std::map<std::pair<std::string, std::string>, int> first_line;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath("targets", i);
    Target target;
    target.hysteresis = global.hysteresis;
    if (!ParseTarget(reader, items[i], path, modules, pages, &target)) {
      return false;
    }
    const int line = items[i].Mark().line + 1;
    const auto [first, inserted] =
        first_line.emplace(std::make_pair(target.target, target.module), line);
    if (!inserted) {
      return reader.Fail(items[i], path,
                         "duplicate target " + Quote(target.identity.display) + " with module " +
                             Quote(target.module) + " (first at line " +
                             std::to_string(first->second) + ")");
    }
    out->push_back(std::move(target));
  }
  return true;
}

}  // namespace outage::config_internal
