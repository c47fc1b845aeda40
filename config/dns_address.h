// Parsing a DNS server address as the dns prober's targets and `resolvers:`
// entries spell it: "system" (the host's resolver), "host", "host:port",
// "[v6]:port" or a bare IPv6 literal. yaml-free; shared with collectors/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace outage {

inline constexpr int kDefaultDnsPort = 53;
inline constexpr int kDefaultDnsOverTlsPort = 853;  // RFC 7858

struct DnsServerAddress {
  bool system = false;  // "system": whatever /etc/resolv.conf names
  std::string host;     // name or IP literal, without brackets
  int port = kDefaultDnsPort;
  bool port_given = false;  // false: `port` is the default, 853 for DNS over TLS
};

// ParseDnsServerAddress returns the address, or nullopt with a one-line
// *error such as `invalid port "x" (want 1-65535)`.
std::optional<DnsServerAddress> ParseDnsServerAddress(std::string_view text, std::string* error);

}  // namespace outage
