// Parses a module's `icmp:` section (blackbox_exporter option names and
// defaults, plus `packets` and `interval`) into IcmpProbe. Internal to
// config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// Limits that keep one probe from flooding its target or the loop.
inline constexpr int kMaxIcmpPackets = 100;
inline constexpr int kMinIcmpIntervalMillis = 10;
// The largest ICMP payload an IPv4 datagram can carry (65535 - 20 - 8).
inline constexpr int kMaxIcmpPayloadSize = 65507;

// ParseIcmpSection fills module->icmp from `node` (null means all
// defaults); a SectionParser for module_parser.cc's table. The module's
// timeout must already be parsed: the packets must fit in it.
bool ParseIcmpSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Module* module, std::vector<std::string>* warnings);

}  // namespace outage::config_internal
