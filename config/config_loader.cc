// Entry points of the config loader: reading the file, parsing YAML, and the
// top-level and `global:` sections. Modules and targets have their own
// parsers; every yaml-cpp exception stops here and becomes a ConfigError.
#include "config/config_loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "config/diagnosis_parser.h"
#include "config/module_parser.h"
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

bool ParseGlobal(YamlReader& reader, const YAML::Node& node, Global* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, "global", &entries)) return false;
  for (const MapEntry& entry : entries) {
    if (config_internal::IsHysteresisKey(entry.name)) {
      if (!config_internal::ParseHysteresisEntry(reader, entry, &out->hysteresis)) return false;
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
  YAML::Node status_pages;
  YAML::Node maintenance;
  YAML::Node probe_policy;
  for (const MapEntry& entry : entries) {
    if (entry.name == "global") {
      global = entry.value;
    } else if (entry.name == "modules") {
      modules = entry.value;
    } else if (entry.name == "targets") {
      targets = entry.value;
    } else if (entry.name == "status_pages") {
      status_pages = entry.value;
    } else if (entry.name == "maintenance") {
      maintenance = entry.value;
    } else if (entry.name == "probe_policy") {
      probe_policy = entry.value;
    } else {
      return reader.UnknownKey(entry);
    }
  }
  // Modules and status pages before targets: targets refer to them by name.
  return ParseGlobal(reader, global, &config->global) &&
         config_internal::ParseProbePolicy(reader, probe_policy, &config->probe_policy) &&
         config_internal::ParseModules(reader, modules, &config->modules, warnings) &&
         config_internal::ParseStatusPages(reader, status_pages, &config->status_pages) &&
         config_internal::ParseMaintenanceWindows(reader, maintenance, "maintenance",
                                                  &config->maintenance) &&
         config_internal::ParseTargets(reader, targets, config->modules, config->global,
                                       config->status_pages, &config->targets, warnings);
}

ConfigError YamlError(const std::string& source, const YAML::Mark& mark,
                      const std::string& message) {
  return ConfigError{source, mark.line < 0 ? 0 : mark.line + 1,
                     mark.column < 0 ? 0 : mark.column + 1, "yaml: " + message};
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
    const std::vector<YAML::Node> documents = YAML::LoadAll(yaml);
    if (documents.size() > 1) {
      return YamlError(source, documents[1].Mark(),
                       "expected one document, found " + std::to_string(documents.size()));
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
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
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return ConfigError{path, 0, 0, std::string("cannot read file: ") + std::strerror(errno)};
  }
  std::string text;
  char buffer[64 * 1024];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    text.append(buffer, n);
  }
  const int read_errno = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_errno != 0) {
    return ConfigError{path, 0, 0, std::string("cannot read file: ") + std::strerror(read_errno)};
  }
  return LoadConfigString(text, path);
}

ConfigResult LoadDefaultConfig() { return LoadConfigString(DefaultConfigYaml(), kEmbeddedSource); }

}  // namespace outage
