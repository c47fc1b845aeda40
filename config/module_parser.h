// Parses the `modules:` section (blackbox_exporter 0.23 format). Internal to
// config/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseModules fills *out from the `modules:` node (null means none),
// appending any warnings the prober sections raise.
bool ParseModules(YamlReader& reader, const YAML::Node& node, std::map<std::string, Module>* out,
                  std::vector<std::string>* warnings);

}  // namespace outage::config_internal
