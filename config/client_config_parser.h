// Parses the parts of Prometheus' common client config that blackbox's
// probers embed: basic_auth, authorization, http_headers, tls_config and
// preferred_ip_protocol. Internal to config/.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// IsHttpToken reports whether text is an RFC 9110 token (method, header name).
bool IsHttpToken(const std::string& text);

// IsSecretRef reports whether `name` is one of common's *_ref keys, which
// name a secret in a secret manager.
bool IsSecretRef(const std::string& name);
// FailSecretRef fails at a *_ref key: blackbox configures no secret manager,
// so no reference can resolve there either.
bool FailSecretRef(YamlReader& reader, const MapEntry& entry);

// ParseBasicAuth reads {username, username_file, password, password_file};
// each value and its _file form are mutually exclusive.
bool ParseBasicAuth(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    BasicAuth* out);

// ParseAuthorization reads {type, credentials, credentials_file}; type
// defaults to "Bearer" and may not be "Basic" (that is basic_auth).
bool ParseAuthorization(YamlReader& reader, const YAML::Node& node, const std::string& path,
                        Authorization* out);

// ParseOAuth2 reads {client_id, client_secret, client_secret_file, scopes,
// token_url, endpoint_params}; token_url is required (http or https) and the
// secret and its _file form are mutually exclusive. The token request's own
// transport options (tls_config, proxy_*) are refused, naming the key.
bool ParseOAuth2(YamlReader& reader, const YAML::Node& node, const std::string& path, OAuth2* out);

// CheckHeaderValue fails at `at` when a header value holds CR, LF or NUL,
// which would split or end the request head.
bool CheckHeaderValue(YamlReader& reader, const YAML::Node& at, const std::string& path,
                      const std::string& value);

// ParseHttpHeaders reads common's http_headers: a map from header name to
// {values, secrets, files}. Headers the client sets itself (Host,
// Authorization, User-Agent, ...) are refused, as in common.
bool ParseHttpHeaders(YamlReader& reader, const MapEntry& entry, std::vector<HeaderValues>* out);

// ParseProxyConnectHeader reads common's proxy_connect_header: a map from
// header name to a list of values (secrets), one header line per value.
bool ParseProxyConnectHeader(YamlReader& reader, const MapEntry& entry, LabelPairs* out);

// ParseTlsConfig reads {ca, ca_file, cert, cert_file, key, key_file,
// server_name, insecure_skip_verify, min_version, max_version}.
bool ParseTlsConfig(YamlReader& reader, const YAML::Node& node, const std::string& path,
                    TlsConfig* out);

// ParseIpProtocol reads preferred_ip_protocol: "ip4" or "ip6" (empty means
// blackbox's default, ip6).
bool ParseIpProtocol(YamlReader& reader, const MapEntry& entry, IpProtocol* out);

// ParseSourceIpAddress reads source_ip_address: empty, or an IPv4 or IPv6
// literal (checked at load, where blackbox only fails when a probe runs).
bool ParseSourceIpAddress(YamlReader& reader, const MapEntry& entry, std::string* out);

}  // namespace outage::config_internal
