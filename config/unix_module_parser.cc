// See unix_module_parser.h.
#include "config/unix_module_parser.h"

#include "config/client_config_parser.h"
#include "config/query_response_parser.h"

namespace outage::config_internal {

bool ParseUnixSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Module* module, std::vector<std::string>* /*warnings*/) {
  UnixProbe* out = &module->unix_socket;
  QueryResponseParser steps(reader, QueryResponseKeys{});
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, path, &entries)) return false;
  const MapEntry* tls = nullptr;
  for (const MapEntry& entry : entries) {
    bool ok = true;
    if (entry.name == "query_response") {
      ok = steps.Parse(entry, &out->query_response);
    } else if (entry.name == "tls") {
      tls = &entry;
      ok = reader.ReadBool(entry.value, entry.path, &out->tls);
    } else if (entry.name == "tls_config") {
      ok = ParseTlsConfig(reader, entry.value, entry.path, &out->tls_config);
    } else {
      ok = reader.UnknownKey(entry);
    }
    if (!ok) return false;
  }
  if (!steps.CheckTls(out->tls)) return false;
  // A socket path names no host, so a verified certificate needs a name
  // from the config; Go's TLS client refuses to start without one too.
  const bool uses_tls = out->tls || steps.starttls();
  if (uses_tls && out->tls_config.server_name.empty() && !out->tls_config.insecure_skip_verify) {
    const YAML::Node& at = tls != nullptr && out->tls ? tls->key : node;
    return reader.Fail(at, tls != nullptr && out->tls ? tls->path : path,
                       "TLS over a unix socket needs tls_config.server_name (the name to verify "
                       "the certificate against) or tls_config.insecure_skip_verify");
  }
  return true;
}

}  // namespace outage::config_internal
