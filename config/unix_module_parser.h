// Parses a module's `unix:` section (blackbox_exporter 0.27 option names:
// query_response, tls, tls_config) into UnixProbe. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseUnixSection fills module->unix_socket from `node` (null means all
// defaults); a SectionParser for module_parser.cc's table.
bool ParseUnixSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Module* module, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
