// See path_trace_parser.h.
#include "config/path_trace_parser.h"

#include <string>

#include "config/duration.h"
#include "config/ip_network.h"

namespace outage::config_internal {
namespace {

// The probers that connect to one address a trace can follow.
constexpr std::string_view kTracedProbers[] = {"http", "tcp", "icmp", "grpc"};
constexpr int64_t kMaxHopsLimit = 64;
constexpr Duration kMaxPathTimeout = std::chrono::seconds(30);

bool ReadIntIn(YamlReader& reader, const YAML::Node& node, const std::string& path, int64_t low,
               int64_t high, int* out) {
  int64_t value = 0;
  if (!reader.ReadInt(node, path, &value)) return false;
  if (value < low || value > high) {
    return reader.Fail(node, path,
                       "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                           ", got " + std::to_string(value));
  }
  *out = static_cast<int>(value);
  return true;
}

bool ParsePrefixes(YamlReader& reader, const MapEntry& entry, PathTrace* out) {
  std::vector<MapEntry> families;
  if (!reader.Entries(entry.value, entry.path, &families)) return false;
  for (const MapEntry& family : families) {
    bool ok = true;
    if (family.name == "ip4") {
      ok = ReadIntIn(reader, family.value, family.path, 0, 32, &out->destination_prefix_v4);
    } else if (family.name == "ip6") {
      ok = ReadIntIn(reader, family.value, family.path, 0, 128, &out->destination_prefix_v6);
    } else {
      ok = reader.UnknownKey(family);
    }
    if (!ok) return false;
  }
  return true;
}

bool ParseLocalNetworks(YamlReader& reader, const MapEntry& entry, PathTrace* out) {
  std::vector<std::string> texts;
  if (!reader.ReadStringList(entry.value, entry.path, &texts)) return false;
  out->local_networks.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    IpNetwork network;
    if (const std::string problem = ParseIpNetwork(texts[i], &network); !problem.empty()) {
      return reader.Fail(entry.value[i], IndexPath(entry.path, i), problem);
    }
    out->local_networks.push_back(network);
  }
  return true;
}

}  // namespace

bool IsPathTraceKey(std::string_view key) {
  return key == "path_on_failure" || key == "max_hops" || key == "path_timeout" ||
         key == "path_destination_prefix" || key == "path_local_networks";
}

bool ParsePathTrace(YamlReader& reader, const std::vector<const MapEntry*>& entries,
                    const Module& module, PathTrace* out) {
  for (const MapEntry* entry : entries) {
    bool ok = true;
    if (entry->name == "path_on_failure") {
      ok = reader.ReadBool(entry->value, entry->path, &out->on_failure);
      if (ok && out->on_failure && !IsOneOf(module.prober, kTracedProbers)) {
        return reader.Fail(entry->value, entry->path,
                           "path_on_failure is not built for the " + Quote(module.prober) +
                               " prober (only http, tcp, icmp and grpc)");
      }
    } else if (entry->name == "max_hops") {
      ok = ReadIntIn(reader, entry->value, entry->path, 1, kMaxHopsLimit, &out->max_hops);
    } else if (entry->name == "path_timeout") {
      std::string text;
      ok = reader.ReadString(entry->value, entry->path, &text);
      const std::optional<Duration> d = ParseDuration(text);
      if (ok && (!d || *d <= Duration(0) || *d > kMaxPathTimeout)) {
        return reader.Fail(entry->value, entry->path,
                           "must be a duration more than 0 and at most 30s, got " + Quote(text));
      }
      if (ok) out->timeout = *d;
    } else if (entry->name == "path_destination_prefix") {
      ok = ParsePrefixes(reader, *entry, out);
    } else {
      ok = ParseLocalNetworks(reader, *entry, out);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace outage::config_internal
