// Reading RE2 patterns out of the config. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ReadRegex compiles a scalar pattern with RE2's default (UTF-8) syntax. A
// pattern RE2 rejects is an error carrying RE2's own explanation.
bool ReadRegex(YamlReader& reader, const YAML::Node& node, const std::string& path, Regex* out);

// ReadRegexList reads a list of patterns.
bool ReadRegexList(YamlReader& reader, const YAML::Node& node, const std::string& path,
                   std::vector<Regex>* out);

}  // namespace outage::config_internal
