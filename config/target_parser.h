// Parses the `targets:` list probed on every /metrics scrape. Internal to
// config/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseTargets fills *out from the `targets:` node (null means none). Every
// target names a module in `modules`; (target, module) pairs are unique.
// Hysteresis starts from `global`'s; a status_page names one of `pages`.
bool ParseTargets(YamlReader& reader, const YAML::Node& node,
                  const std::map<std::string, Module>& modules, const Global& global,
                  const std::vector<VendorStatusPage>& pages, std::vector<Target>* out);

// LabelNameProblem explains why `name` cannot be a target label, or returns
// "" when it can.
std::string LabelNameProblem(const std::string& name);

}  // namespace outage::config_internal
