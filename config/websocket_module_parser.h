// Parses a module's `websocket:` section (blackbox_exporter 0.27 option
// names: http_config {headers, basic_auth, bearer_token, tls_config} and
// query_response) into WebsocketProbe. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseWebsocketSection fills module->websocket from `node` (null means all
// defaults); a SectionParser for module_parser.cc's table.
bool ParseWebsocketSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                           Module* module, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
