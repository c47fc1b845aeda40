// Parses a module's path trace keys: `path_on_failure`, `max_hops`,
// `path_timeout`, `path_destination_prefix` and `path_local_networks`.
// Internal to config/.
#pragma once

#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// IsPathTraceKey reports whether `key` is one of the keys above.
bool IsPathTraceKey(std::string_view key);

// ParsePathTrace reads `entries` (path trace keys of `module`, whose prober
// is known) into *out. path_on_failure is for the http, tcp, icmp and grpc
// probers; max_hops is 1 to 64; path_timeout more than 0 and at most 30s;
// path_destination_prefix a map {ip4: 0..32, ip6: 0..128};
// path_local_networks a list of CIDRs replacing the default.
bool ParsePathTrace(YamlReader& reader, const std::vector<const MapEntry*>& entries,
                    const Module& module, PathTrace* out);

}  // namespace outage::config_internal
