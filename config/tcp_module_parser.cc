// See tcp_module_parser.h. Checks at load time what blackbox only finds out
// when a probe runs (a bad source address, a step that does nothing), so a
// broken module is a config error rather than a probe that always fails.
#include "config/tcp_module_parser.h"

#include "config/client_config_parser.h"
#include "config/query_response_parser.h"

namespace outage::config_internal {
namespace {

class TcpProbeParser {
 public:
  TcpProbeParser(YamlReader& reader, TcpProbe* out)
      : reader_(reader), out_(out), steps_(reader, QueryResponseKeys{}) {}

  bool Parse(const YAML::Node& node, const std::string& path) {
    std::vector<MapEntry> entries;
    if (!reader_.Entries(node, path, &entries)) return false;
    for (const MapEntry& entry : entries) {
      if (!ParseOption(entry)) return false;
    }
    return steps_.CheckTls(out_->tls);
  }

 private:
  bool ParseOption(const MapEntry& entry) {
    const std::string& name = entry.name;
    if (name == "preferred_ip_protocol") {
      return ParseIpProtocol(reader_, entry, &out_->preferred_ip_protocol);
    }
    if (name == "ip_protocol_fallback") {
      return reader_.ReadBool(entry.value, entry.path, &out_->ip_protocol_fallback);
    }
    if (name == "source_ip_address") {
      return ParseSourceIpAddress(reader_, entry, &out_->source_ip_address);
    }
    if (name == "query_response") return steps_.Parse(entry, &out_->query_response);
    if (name == "tls") return reader_.ReadBool(entry.value, entry.path, &out_->tls);
    if (name == "tls_config") {
      return ParseTlsConfig(reader_, entry.value, entry.path, &out_->tls_config);
    }
    return reader_.UnknownKey(entry);
  }

  YamlReader& reader_;
  TcpProbe* out_;
  QueryResponseParser steps_;
};

}  // namespace

bool ParseTcpSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Module* module, std::vector<std::string>* /*warnings*/) {
  return TcpProbeParser(reader, &module->tcp).Parse(node, path);
}

}  // namespace outage::config_internal
