// Parses the parts of Prometheus' common client config that blackbox's
// probers embed: basic_auth, tls_config and preferred_ip_protocol. Internal
// to config/.
#pragma once

#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// ParseBasicAuth reads {username, password, password_file}; password and
// password_file are mutually exclusive.
bool ParseBasicAuth(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    BasicAuth* out);

// ParseTlsConfig reads {ca_file, cert_file, key_file, server_name,
// insecure_skip_verify, min_version, max_version}.
bool ParseTlsConfig(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    TlsConfig* out);

// ParseIpProtocol reads preferred_ip_protocol: "ip4" or "ip6" (empty means
// blackbox's default, ip6).
bool ParseIpProtocol(YamlReader& reader, const MapEntry& entry, IpProtocol* out);

// ParseSourceIpAddress reads source_ip_address: empty, or an IPv4 or IPv6
// literal (checked at load, where blackbox only fails when a probe runs).
bool ParseSourceIpAddress(YamlReader& reader, const MapEntry& entry, std::string* out);

}  // namespace outage::config_internal
