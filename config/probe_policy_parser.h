// Parses the top-level `probe_policy:` section (allow/deny lists of host
// globs and CIDRs). Internal to config/.
#pragma once

#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseProbePolicy fills *out from the `probe_policy:` node (null keeps the
// default: deny the cloud metadata addresses, allow the rest). An entry with
// a '/' or that is an IP address is a network; anything else is a host glob.
bool ParseProbePolicy(YamlReader& reader, const YAML::Node& node, ProbePolicy* out);

}  // namespace outage::config_internal
