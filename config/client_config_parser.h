// Parses the parts of Prometheus' common HTTP client config that blackbox's
// http prober embeds: basic_auth and tls_config. Internal to config/.
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

}  // namespace outage::config_internal
