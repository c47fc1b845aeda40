// Re-emits a loaded configuration document with its secrets hidden, for the
// /config page. Internal to config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace outage::config_internal {

// RedactedYaml renders `root` as YAML with every secret value replaced by
// "<secret>": bearer_token, password (basic_auth), client_secret, the
// Authorization, Proxy-Authorization and Cookie request headers, and the
// userinfo password of any proxy_url or target URL. Comments and anchors
// are not preserved; flow/block style and quoting are.
std::string RedactedYaml(const YAML::Node& root);

}  // namespace outage::config_internal
