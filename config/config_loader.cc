// Entry points of the config loader: reading the file, parsing YAML, and the
// top-level and `global:` sections. Modules and targets have their own
// parsers; every yaml-cpp exception stops here and becomes a ConfigError.
#include "config/config_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>
#include <vector>

#include "config/bounded_file.h"
#include "config/diagnosis_parser.h"
#include "config/module_parser.h"
#include "config/objective_parser.h"
#include "config/placement.h"
#include "config/probe_policy_parser.h"
#include "config/redacted_yaml.h"
#include "config/target_parser.h"
#include "config/yaml_reader.h"

namespace outage {
namespace {

using config_internal::Describe;
using config_internal::IndexPath;
using config_internal::MapEntry;
using config_internal::YamlReader;

constexpr char kEmbeddedSource[] = "<embedded default>";

bool ParseHistogramBuckets(YamlReader& reader, const MapEntry& entry, std::vector<double>* out) {
  if (entry.value.IsNull()) return true;  // keep the defaults
  std::vector<YAML::Node> items;
  if (!reader.Items(entry.value, entry.path, &items)) return false;
  if (items.empty()) {
    return reader.Fail(entry.value, entry.path, "at least one bucket is required");
  }
  out->clear();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath(entry.path, i);
    if (items[i].IsNull()) {
      return reader.Fail(items[i], path, "expected a number, got null");
    }
    double bound = 0;
    if (!reader.ReadNumber(items[i], path, &bound)) return false;
    if (bound <= 0) {
      return reader.Fail(items[i], path, "buckets must be positive, got " + items[i].Scalar());
    }
    if (i > 0 && bound <= out->back()) {
      return reader.Fail(items[i], path,
                         "buckets must be strictly increasing, got " + items[i].Scalar() +
                             " after " + items[i - 1].Scalar());
    }
    out->push_back(bound);
  }
  return true;
}

bool ParseShardEntry(YamlReader& reader, const MapEntry& entry, std::optional<Shard>* out) {
  std::string text;
  if (!reader.ReadString(entry.value, entry.path, &text)) return false;
  std::string error;
  *out = ParseShard(text, &error);
  return out->has_value() || reader.Fail(entry.value, entry.path, error);
}

bool ParseGlobal(YamlReader& reader, const YAML::Node& node, Global* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, "global", &entries)) return false;
  for (const MapEntry& entry : entries) {
    if (config_internal::IsHysteresisKey(entry.name)) {
      if (!config_internal::ParseHysteresisEntry(reader, entry, &out->hysteresis)) return false;
      continue;
    }
    if (entry.name == "shard") {
      if (!ParseShardEntry(reader, entry, &out->shard)) return false;
      continue;
    }
    if (entry.name == "vantage") {
      if (!reader.ReadString(entry.value, entry.path, &out->vantage)) return false;
      continue;
    }
    if (entry.name != "histogram_buckets") return reader.UnknownKey(entry);
    if (!ParseHistogramBuckets(reader, entry, &out->histogram_buckets)) {
      return false;
    }
  }
  return true;
}

// ParseDocument fills *config from the document's root node.
bool ParseDocument(YamlReader& reader, const YAML::Node& root, Config* config,
                   std::vector<std::string>* warnings) {
  if (!root.IsNull() && !root.IsMap()) {
    return reader.Fail(root, "", "the top level must be a map, got " + Describe(root));
  }
  std::vector<MapEntry> entries;
  if (!reader.Entries(root, "", &entries)) return false;
  YAML::Node global;
  YAML::Node modules;
  YAML::Node targets;
  YAML::Node vendor_status_pages;
  YAML::Node maintenance;
  YAML::Node probe_policy;
  YAML::Node services;
  for (const MapEntry& entry : entries) {
    if (entry.name == "global") {
      global = entry.value;
    } else if (entry.name == "modules") {
      modules = entry.value;
    } else if (entry.name == "targets") {
      targets = entry.value;
    } else if (entry.name == "status_pages") {
      vendor_status_pages = entry.value;
    } else if (entry.name == "maintenance") {
      maintenance = entry.value;
    } else if (entry.name == "probe_policy") {
      probe_policy = entry.value;
    } else if (entry.name == "services") {
      services = entry.value;
    } else {
      return reader.UnknownKey(entry);
    }
  }
  // Caps that keep a reload's memory bounded (yaml-cpp's node tree is
  // already built; our own structures are several times larger per entry).
  if (modules.IsMap() && modules.size() > kMaxModules) {
    return reader.Fail(modules, "modules", "more than " + std::to_string(kMaxModules) + " modules");
  }
  if (targets.IsSequence() && targets.size() > kMaxTargets) {
    return reader.Fail(targets, "targets", "more than " + std::to_string(kMaxTargets) + " targets");
  }
  // Modules and status pages before targets: targets refer to them by name.
  return ParseGlobal(reader, global, &config->global) &&
         config_internal::ParseProbePolicy(reader, probe_policy, &config->probe_policy) &&
         config_internal::ParseModules(reader, modules, &config->modules, warnings) &&
         config_internal::ParseVendorStatusPages(reader, vendor_status_pages,
                                                 &config->vendor_status_pages) &&
         config_internal::ParseMaintenanceWindows(reader, maintenance, "maintenance",
                                                  &config->maintenance) &&
         config_internal::ParseTargets(reader, targets, config->modules, config->global,
                                       config->vendor_status_pages, &config->targets) &&
         config_internal::ParseServices(reader, services, &config->service_objectives);
}

ConfigError YamlError(const std::string& source, const YAML::Mark& mark,
                      const std::string& message) {
  return ConfigError{source, mark.line < 0 ? 0 : mark.line + 1,
                     mark.column < 0 ? 0 : mark.column + 1, "yaml: " + message};
}

// DocumentMarks records where each document and its root node start and
// ignores the rest, so documents can be counted without building nodes.
class DocumentMarks : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  std::vector<YAML::Mark> roots;
  size_t nodes = 0;  // in all documents

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

 private:
  void Node(const YAML::Mark& mark) {
    ++nodes;
    if (roots.size() < starts.size()) roots.push_back(mark);
  }
};

// CheckOneDocument fails unless `yaml` holds at most one document. It
// replaces YAML::LoadAll, which in yaml-cpp 0.7 never returns on a stray
// ',' at block level (an empty document per call, the token never consumed)
// and eats all memory: a document that starts where the previous one did is
// that token, reported here instead.
std::optional<ConfigError> CheckOneDocument(const std::string& yaml, const std::string& source) {
  std::istringstream in(yaml);
  YAML::Parser parser(in);
  DocumentMarks marks;
  while (parser.HandleNextDocument(marks)) {
    const size_t n = marks.starts.size();
    if (n >= 2 && marks.starts[n - 1].pos == marks.starts[n - 2].pos) {
      const YAML::Mark& mark = marks.starts[n - 1];
      const size_t pos = mark.pos < 0 ? 0 : static_cast<size_t>(mark.pos);
      const std::string token = pos < yaml.size() ? yaml.substr(pos, 1) : "end of input";
      return YamlError(source, mark, "unexpected \"" + token + "\" outside a flow collection");
    }
  }
  // yaml-cpp's tree takes several hundred bytes a node: counting events
  // first keeps a reload's peak bounded whatever the file holds.
  if (marks.nodes > kMaxYamlNodes) {
    return ConfigError{source, 0, 0, "more than " + std::to_string(kMaxYamlNodes) + " YAML nodes"};
  }
  if (marks.starts.size() > 1) {
    const YAML::Mark& second = marks.roots.size() > 1 ? marks.roots[1] : marks.starts[1];
    return YamlError(source, second,
                     "expected one document, found " + std::to_string(marks.starts.size()));
  }
  return std::nullopt;
}

}  // namespace

std::string ConfigError::ToString() const {
  std::string out = source;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out + ": " + message;
}

ConfigResult LoadConfigString(const std::string& yaml, const std::string& source) {
  try {
    if (std::optional<ConfigError> error = CheckOneDocument(yaml, source)) return *error;
    const YAML::Node root = YAML::Load(yaml);
    YamlReader reader(source);
    auto config = std::make_shared<Config>();
    LoadedConfig loaded;
    if (!ParseDocument(reader, root, config.get(), &loaded.warnings)) {
      return *reader.error();
    }
    config->redacted_yaml = config_internal::RedactedYaml(root);
    config->source = source;
    loaded.config = std::move(config);
    return loaded;
  } catch (const YAML::Exception& e) {
    return YamlError(source, e.mark, e.msg);
  } catch (const std::exception& e) {
    return ConfigError{source, 0, 0, std::string("internal error: ") + e.what()};
  }
}

ConfigResult LoadConfigFile(const std::string& path) {
  std::string error;
  const std::optional<std::string> text = ReadBoundedFile(path, &error);
  if (!text) return ConfigError{path, 0, 0, error};
  ConfigResult result = LoadConfigString(*text, path);
  // An empty file (or one with only comments) would turn every /probe into
  // a 400; at start-up or on reload it is a mistake, not a config.
  if (const auto* loaded = std::get_if<LoadedConfig>(&result);
      loaded != nullptr && loaded->config->modules.empty()) {
    return ConfigError{path, 0, 0, "the config defines no modules (and so no targets)"};
  }
  return result;
}

ConfigResult LoadDefaultConfig() { return LoadConfigString(DefaultConfigYaml(), kEmbeddedSource); }

}  // namespace outage
