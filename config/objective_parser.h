// Parses availability objectives: a target's `objective` and
// `objective_window` keys, and the top-level `services:` map that sets them
// per service. Internal to config/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseObjective reads a target's (or a service's) `objective` and `objective_window`
// entries (either may be null: absent) into *out. An objective is a
// percentage string above 0% and below 100% ("99.9%"); the window a
// duration from 1h to 400d. A window without an objective is an error.
bool ParseObjective(YamlReader& reader, const MapEntry* objective, const MapEntry* window,
                    std::optional<Objective>* out);

// ParseServices reads the top-level `services:` map (null means none):
// service name -> {objective, objective_window}; objective is required.
bool ParseServices(YamlReader& reader, const YAML::Node& node,
                   std::map<std::string, Objective>* out);

}  // namespace outage::config_internal
