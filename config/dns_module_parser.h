// Parses a module's `dns:` section (blackbox_exporter 0.23 option names and
// defaults, plus `resolvers:`) into DnsProbe. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseDnsSection fills module->dns from `node` (a SectionParser for
// module_parser.cc's table). Returns false after recording an error in
// `reader`.
bool ParseDnsSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Module* module, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
