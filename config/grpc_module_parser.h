// Parses a module's `grpc:` section (blackbox_exporter option names and
// defaults) into GrpcProbe. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseGrpcSection fills module->grpc from `node` (null means all
// defaults); a SectionParser for module_parser.cc's table.
bool ParseGrpcSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Module* module, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
