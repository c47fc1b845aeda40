// Parses a module's `tcp:` section (blackbox_exporter 0.24 option names and
// defaults, plus expect_bytes) into TcpProbe. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseTcpSection fills module->tcp from `node` (null means all defaults).
// Returns false after recording an error in `reader`. Its signature is
// module_parser.cc's SectionParser, so the table names it directly.
bool ParseTcpSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Module* module, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
