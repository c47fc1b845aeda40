// See icmp_module_parser.h. Range checks happen at load, so a module that
// could only ever fail (a ttl of 300, packets that cannot fit in the
// timeout) is a config error rather than a probe that always fails.
#include "config/icmp_module_parser.h"

#include "config/client_config_parser.h"
#include "config/duration.h"

namespace outage::config_internal {
namespace {

// ReadIntInRange reads an integer option that must lie in [min, max].
bool ReadIntInRange(YamlReader& reader, const MapEntry& entry, int64_t min, int64_t max, int* out) {
  int64_t value = *out;
  if (!reader.ReadInt(entry.value, entry.path, &value)) return false;
  if (value < min || value > max) {
    return reader.Fail(entry.value, entry.path,
                       entry.name + " " + std::to_string(value) + " is out of range (want " +
                           std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  *out = static_cast<int>(value);
  return true;
}

class IcmpProbeParser {
 public:
  IcmpProbeParser(YamlReader& reader, Module* module)
      : reader_(reader), module_(*module), out_(module->icmp) {}

  bool Parse(const YAML::Node& node, const std::string& path) {
    std::vector<MapEntry> entries;
    if (!reader_.Entries(node, path, &entries)) return false;
    for (const MapEntry& entry : entries) {
      if (!ParseOption(entry)) return false;
    }
    return CheckFitsTimeout(node, path);
  }

 private:
  bool ParseOption(const MapEntry& entry) {
    const std::string& name = entry.name;
    if (name == "preferred_ip_protocol") {
      return ParseIpProtocol(reader_, entry, &out_.preferred_ip_protocol);
    }
    if (name == "ip_protocol_fallback") {
      return reader_.ReadBool(entry.value, entry.path, &out_.ip_protocol_fallback);
    }
    if (name == "source_ip_address") {
      return ParseSourceIpAddress(reader_, entry, &out_.source_ip_address);
    }
    if (name == "payload_size") {
      return ReadIntInRange(reader_, entry, 0, kMaxIcmpPayloadSize, &out_.payload_size);
    }
    if (name == "dont_fragment") {
      return reader_.ReadBool(entry.value, entry.path, &out_.dont_fragment);
    }
    if (name == "ttl") return ReadIntInRange(reader_, entry, 0, 255, &out_.ttl);
    if (name == "packets") {
      packets_ = &entry;
      return ReadIntInRange(reader_, entry, 1, kMaxIcmpPackets, &out_.packets);
    }
    if (name == "interval") return ParseInterval(entry);
    return reader_.UnknownKey(entry);
  }

  bool ParseInterval(const MapEntry& entry) {
    std::string text;
    if (!reader_.ReadString(entry.value, entry.path, &text)) return false;
    if (text.empty()) return true;
    const std::optional<Duration> parsed = ParseDuration(text);
    if (!parsed) {
      return reader_.Fail(entry.value, entry.path,
                          "invalid duration " + Quote(text) + " (use e.g. 200ms, 1s)");
    }
    if (parsed->count() < kMinIcmpIntervalMillis) {
      return reader_.Fail(entry.value, entry.path,
                          "interval " + text + " is shorter than the minimum " +
                              std::to_string(kMinIcmpIntervalMillis) + "ms");
    }
    out_.interval = *parsed;
    return true;
  }

  // CheckFitsTimeout rejects packets whose sending alone would outlast the
  // module's timeout (when one is set): the last ones could never be sent.
  bool CheckFitsTimeout(const YAML::Node& node, const std::string& path) {
    if (module_.timeout.count() == 0) return true;
    const Duration sending = out_.interval * (out_.packets - 1);
    if (sending < module_.timeout) return true;
    const YAML::Node& at = packets_ != nullptr ? packets_->value : node;
    return reader_.Fail(at, packets_ != nullptr ? packets_->path : path,
                        std::to_string(out_.packets) + " packets " + FormatDuration(out_.interval) +
                            " apart do not fit in timeout " + FormatDuration(module_.timeout));
  }

  YamlReader& reader_;
  const Module& module_;
  IcmpProbe& out_;
  const MapEntry* packets_ = nullptr;
};

}  // namespace

bool ParseIcmpSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Module* module, std::vector<std::string>* /*warnings*/) {
  return IcmpProbeParser(reader, module).Parse(node, path);
}

}  // namespace outage::config_internal
