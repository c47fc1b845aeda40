// See grpc_module_parser.h. `metadata` is Go's metadata.MD in blackbox, a
// map from key to a list of values; a single string is accepted as a
// one-value list. Keys the gRPC protocol itself sets are refused at load,
// since sending them would break the request rather than add to it.
#include "config/grpc_module_parser.h"

#include "config/client_config_parser.h"

namespace outage::config_internal {
namespace {

// MetadataKeyProblem says why `key` cannot be request metadata, or "".
std::string MetadataKeyProblem(const std::string& key) {
  if (key.empty()) return "empty metadata key";
  for (const char c : key) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) {
      return "invalid metadata key " + Quote(key) +
             " (gRPC keys are lower-case letters, digits, \"-\", \"_\" and \".\")";
    }
  }
  if (key.rfind("grpc-", 0) == 0 || key == "content-type" || key == "te" || key == "user-agent") {
    return "metadata key " + Quote(key) + " is reserved by the gRPC protocol";
  }
  if (key.size() > 4 && key.compare(key.size() - 4, 4, "-bin") == 0) {
    return "binary metadata key " + Quote(key) + " is not supported";
  }
  return "";
}

class GrpcProbeParser {
 public:
  GrpcProbeParser(YamlReader& reader, GrpcProbe* out) : reader_(reader), out_(out) {}

  bool Parse(const YAML::Node& node, const std::string& path) {
    std::vector<MapEntry> entries;
    if (!reader_.Entries(node, path, &entries)) return false;
    for (const MapEntry& entry : entries) {
      if (!ParseOption(entry)) return false;
    }
    return true;
  }

 private:
  bool ParseOption(const MapEntry& entry) {
    const std::string& name = entry.name;
    if (name == "service") return reader_.ReadString(entry.value, entry.path, &out_->service);
    if (name == "tls") return reader_.ReadBool(entry.value, entry.path, &out_->tls);
    if (name == "tls_config") {
      return ParseTlsConfig(reader_, entry.value, entry.path, &out_->tls_config);
    }
    if (name == "preferred_ip_protocol") {
      return ParseIpProtocol(reader_, entry, &out_->preferred_ip_protocol);
    }
    if (name == "ip_protocol_fallback") {
      return reader_.ReadBool(entry.value, entry.path, &out_->ip_protocol_fallback);
    }
    if (name == "metadata") return ParseMetadata(entry);
    return reader_.UnknownKey(entry);
  }

  bool ParseMetadata(const MapEntry& entry) {
    std::vector<MapEntry> keys;
    if (!reader_.Entries(entry.value, entry.path, &keys)) return false;
    for (const MapEntry& key : keys) {
      if (const std::string problem = MetadataKeyProblem(key.name); !problem.empty()) {
        return reader_.Fail(key.key, key.path, problem);
      }
      std::vector<std::string> values;
      if (key.value.IsScalar()) {
        values.emplace_back();
        if (!reader_.ReadString(key.value, key.path, &values.back())) return false;
      } else if (!reader_.ReadStringList(key.value, key.path, &values)) {
        return false;
      }
      for (std::string& value : values) {
        if (value.find_first_of("\r\n") != std::string::npos) {
          return reader_.Fail(key.value, key.path, "metadata value contains a line break");
        }
        out_->metadata.emplace_back(key.name, std::move(value));
      }
    }
    return true;
  }

  YamlReader& reader_;
  GrpcProbe* out_;
};

}  // namespace

bool ParseGrpcSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Module* module, std::vector<std::string>* /*warnings*/) {
  return GrpcProbeParser(reader, &module->grpc).Parse(node, path);
}

}  // namespace outage::config_internal
