#include "config/probe_policy_parser.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "config/ip_network.h"

namespace outage::config_internal {
namespace {

// ParseList reads one of allow/deny into hosts and networks.
bool ParseList(YamlReader& reader, const MapEntry& entry, std::vector<std::string>* hosts,
               std::vector<IpNetwork>* networks) {
  std::vector<YAML::Node> items;
  if (!reader.Items(entry.value, entry.path, &items)) return false;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath(entry.path, i);
    if (items[i].IsNull()) return reader.Fail(items[i], path, "expected a string, got null");
    std::string text;
    if (!reader.ReadString(items[i], path, &text)) return false;
    if (text.empty()) return reader.Fail(items[i], path, "empty host pattern");
    IpNetwork network;
    // A pattern that starts with "/" is a unix socket path glob, not a CIDR.
    const bool socket_path = text.front() == '/';
    if (!socket_path && (text.find('/') != std::string::npos || ParseIpAddress(text, &network))) {
      const std::string problem = ParseIpNetwork(text, &network);
      if (!problem.empty()) return reader.Fail(items[i], path, problem);
      networks->push_back(std::move(network));
      continue;
    }
    const bool bad_char = std::any_of(text.begin(), text.end(), [](unsigned char c) {
      return std::isspace(c) || c == ':' || c < 0x20 || c >= 0x7f;
    });
    if (bad_char) {
      return reader.Fail(items[i], path,
                         "invalid host pattern " + Quote(text) +
                             ": want a host name glob (\"*.internal\") or a CIDR");
    }
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    hosts->push_back(std::move(text));
  }
  return true;
}

}  // namespace

bool ParseProbePolicy(YamlReader& reader, const YAML::Node& node, ProbePolicy* out) {
  std::vector<MapEntry> entries;
  if (!reader.Entries(node, "probe_policy", &entries)) return false;
  for (const MapEntry& entry : entries) {
    if (entry.name == "allow") {
      if (!ParseList(reader, entry, &out->allow_hosts, &out->allow_networks)) return false;
    } else if (entry.name == "deny") {
      out->deny_networks.clear();  // an explicit list replaces the default
      if (!ParseList(reader, entry, &out->deny_hosts, &out->deny_networks)) return false;
    } else {
      return reader.UnknownKey(entry);
    }
  }
  return true;
}

}  // namespace outage::config_internal
