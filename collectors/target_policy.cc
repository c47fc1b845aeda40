#include "collectors/target_policy.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "config/ip_network.h"

namespace outage {
namespace {

// Unmap turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into IPv4.
IpNetwork Unmap(IpNetwork ip) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!ip.ipv6 || std::memcmp(ip.bytes.data(), kMapped, sizeof kMapped) != 0) return ip;
  IpNetwork v4;
  std::memcpy(v4.bytes.data(), ip.bytes.data() + 12, 4);
  v4.prefix_length = 32;
  return v4;
}

// AddressText is how an address is shown in a refusal: as written, or
// formatted from its bytes. Formatting waits for a refusal because most
// checks pass, and every probe makes two.
std::string AddressText(const IpNetwork& ip) {
  if (!ip.text.empty()) return ip.text;
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.ipv6 ? AF_INET6 : AF_INET, ip.bytes.data(), text, sizeof text);
  return text;
}

bool GlobMatches(const std::string& glob, const std::string& host) {
  return fnmatch(glob.c_str(), host.c_str(), FNM_CASEFOLD) == 0;
}

const std::string* FirstMatch(const std::vector<std::string>& globs, const std::string& host) {
  for (const auto& g : globs) {
    if (GlobMatches(g, host)) return &g;
  }
  return nullptr;
}

void Say(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

}  // namespace

std::string NormalizeHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.size() > 1 && out.back() == '.') out.pop_back();
  return out;
}

bool TargetPolicy::HostListed(std::string_view host) const {
  return FirstMatch(policy_.allow_hosts, NormalizeHost(host)) != nullptr;
}

bool TargetPolicy::Allows(std::string_view raw_host, std::string* why) const {
  const std::string host = NormalizeHost(raw_host);
  if (const std::string* glob = FirstMatch(policy_.deny_hosts, host)) {
    Say(why, "host \"" + host + "\" matches denied pattern \"" + *glob + "\"");
    return false;
  }
  const bool listed = FirstMatch(policy_.allow_hosts, host) != nullptr;
  std::string literal = host;
  const size_t zone = literal.find('%');  // fe80::1%eth0
  if (zone != std::string::npos) literal.resize(zone);
  IpNetwork ip;
  if (ParseIpAddress(literal, &ip)) {
    if (listed) return AllowsAddress(ip, true, why);
    // An IP literal named by no glob must be in an allowed network when the
    // allow list is in use at all.
    if (!policy_.allow_hosts.empty() && policy_.allow_networks.empty()) {
      Say(why, "address " + AddressText(ip) + " matches no allowed host pattern");
      return false;
    }
    return AllowsAddress(ip, false, why);
  }
  if (!policy_.allow_hosts.empty() && !listed) {
    Say(why, "host \"" + host + "\" matches no allowed host pattern");
    return false;
  }
  return true;
}

bool TargetPolicy::Allows(const sockaddr* addr, socklen_t len, bool host_listed,
                          std::string* why) const {
  IpNetwork ip;
  if (addr != nullptr && addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    std::memcpy(ip.bytes.data(), &in->sin_addr, 4);
    ip.prefix_length = 32;
  } else if (addr != nullptr && addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    ip.ipv6 = true;
    std::memcpy(ip.bytes.data(), &in6->sin6_addr, 16);
    ip.prefix_length = 128;
  } else {
    Say(why, "not an IP address");
    return false;
  }
  return AllowsAddress(ip, host_listed, why);
}

bool TargetPolicy::AllowsAddress(const IpNetwork& raw, bool host_listed, std::string* why) const {
  const IpNetwork ip = Unmap(raw);
  for (const IpNetwork& net : policy_.deny_networks) {
    if (NetworkContains(net, ip)) {
      Say(why, "address " + AddressText(ip) + " is in denied network " + net.text);
      return false;
    }
  }
  if (host_listed || policy_.allow_networks.empty()) return true;
  for (const IpNetwork& net : policy_.allow_networks) {
    if (NetworkContains(net, ip)) return true;
  }
  Say(why, "address " + AddressText(ip) + " is in no allowed network");
  return false;
}

}  // namespace outage
