// The --web.config.file format of the Prometheus exporter-toolkit: TLS for
// the exporter's own server (tls_server_config) and basic auth users with
// bcrypt hashes. yaml-cpp stays inside config/; callers get plain structs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>

#include "config/config_loader.h"

namespace outage {

// WebTlsConfig is tls_server_config. File paths are resolved against the
// web config file's directory, as the exporter-toolkit does.
struct WebTlsConfig {
  std::string cert_file;
  std::string key_file;
  // NoClientCert, RequestClientCert, RequireAnyClientCert,
  // VerifyClientCertIfGiven or RequireAndVerifyClientCert.
  std::string client_auth_type = "NoClientCert";
  std::string client_ca_file;
  std::string min_version = "TLS12";  // TLS10..TLS13 (toolkit's default)
  std::string max_version;            // "" = the highest OpenSSL knows
};

struct WebConfig {
  std::optional<WebTlsConfig> tls;                      // serve HTTPS when set
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash (secret)
};

using WebConfigResult = std::variant<WebConfig, ConfigError>;

// LoadWebConfigFile reads and validates the file at `path`.
WebConfigResult LoadWebConfigFile(const std::string& path);

// LoadWebConfigString validates `yaml`; relative paths resolve against
// `directory`; `source` names it in errors.
WebConfigResult LoadWebConfigString(const std::string& yaml, const std::string& source,
                                    const std::string& directory);

}  // namespace outage
