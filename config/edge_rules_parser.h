// Parses an http module's `edge:` section, the rules that name the CDN and
// edge site (pop) that answered a probe. Internal to config/.
#pragma once

#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseEdgeSection reads `edge: {rules: [{header, regexp, cdn}, ...]}` into
// *out. Every key of a rule is required; a regexp RE2 rejects, a header name
// that is not an HTTP token, or an empty cdn is an error.
bool ParseEdgeSection(YamlReader& reader, const MapEntry& entry, std::vector<EdgeRule>* out);

}  // namespace outage::config_internal
