// Parses a module's `http:` section (blackbox_exporter 0.23 option names and
// defaults) into HttpProbe. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseHttpProbe fills *out from `node` (null means all defaults). Non-fatal
// findings are appended to *warnings. Returns false after recording an error
// in `reader`.
bool ParseHttpProbe(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    HttpProbe* out, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
