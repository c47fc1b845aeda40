// See edge_rules_parser.h.
#include "config/edge_rules_parser.h"

#include <algorithm>
#include <cctype>

#include "config/client_config_parser.h"
#include "config/regex_field.h"

namespace outage::config_internal {
namespace {

bool ParseRule(YamlReader& reader, const YAML::Node& node, const std::string& path,
               EdgeRule* rule) {
  if (!node.IsMap()) return reader.Fail(node, path, "expected a map, got " + Describe(node));
  std::vector<MapEntry> fields;
  if (!reader.Entries(node, path, &fields)) return false;
  const MapEntry* header = nullptr;
  const MapEntry* regexp = nullptr;
  const MapEntry* cdn = nullptr;
  for (const MapEntry& field : fields) {
    if (field.name == "header") {
      header = &field;
      if (!reader.ReadString(field.value, field.path, &rule->header)) return false;
    } else if (field.name == "regexp") {
      regexp = &field;
      if (!ReadRegex(reader, field.value, field.path, &rule->regexp)) return false;
    } else if (field.name == "cdn") {
      cdn = &field;
      if (!reader.ReadString(field.value, field.path, &rule->cdn)) return false;
    } else {
      return reader.UnknownKey(field);
    }
  }
  if (header == nullptr) return reader.MissingKey(node, path, "header");
  if (regexp == nullptr || rule->regexp.re == nullptr) {
    return reader.MissingKey(node, path, "regexp");
  }
  if (cdn == nullptr) return reader.MissingKey(node, path, "cdn");
  if (!IsHttpToken(rule->header)) {
    const YAML::Node& at = header->value.IsNull() ? header->key : header->value;
    return reader.Fail(at, header->path, "invalid header name " + Quote(rule->header));
  }
  if (rule->cdn.empty()) {
    const YAML::Node& at = cdn->value.IsNull() ? cdn->key : cdn->value;
    return reader.Fail(at, cdn->path, "empty cdn (want a name such as \"fastly\")");
  }
  // Header names compare without case; the prober keeps them lower-cased.
  std::transform(rule->header.begin(), rule->header.end(), rule->header.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return true;
}

}  // namespace

bool ParseEdgeSection(YamlReader& reader, const MapEntry& entry, std::vector<EdgeRule>* out) {
  if (entry.value.IsNull()) return true;
  std::vector<MapEntry> keys;
  if (!reader.Entries(entry.value, entry.path, &keys)) return false;
  for (const MapEntry& key : keys) {
    if (key.name != "rules") return reader.UnknownKey(key);
    std::vector<YAML::Node> items;
    if (!reader.Items(key.value, key.path, &items)) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      EdgeRule rule;
      if (!ParseRule(reader, items[i], IndexPath(key.path, i), &rule)) return false;
      out->push_back(std::move(rule));
    }
  }
  return true;
}

}  // namespace outage::config_internal
