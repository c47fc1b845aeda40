#include "config/ip_network.h"

#include <arpa/inet.h>

#include <cstring>

namespace outage {

bool NetworkContains(const IpNetwork& net, const IpNetwork& ip) {
  if (net.ipv6 != ip.ipv6) return false;
  int bits = net.prefix_length;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((ip.bytes[i] & mask) != net.bytes[i]) return false;
  }
  return true;
}

bool ParseIpAddress(std::string_view text, IpNetwork* out) {
  const std::string s(text);
  IpNetwork n;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    std::memcpy(n.bytes.data(), &v4, 4);
    n.prefix_length = 32;
  } else if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    n.ipv6 = true;
    std::memcpy(n.bytes.data(), &v6, 16);
    n.prefix_length = 128;
  } else {
    return false;
  }
  n.text = s;
  *out = n;
  return true;
}

std::string ParseIpNetwork(std::string_view text, IpNetwork* out) {
  const size_t slash = text.find('/');
  IpNetwork n;
  if (!ParseIpAddress(text.substr(0, slash), &n)) {
    return "invalid CIDR \"" + std::string(text) + "\": \"" + std::string(text.substr(0, slash)) +
           "\" is not an IP address";
  }
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    const int max = n.ipv6 ? 128 : 32;
    int prefix = -1;
    if (!bits.empty() && bits.size() <= 3 &&
        bits.find_first_not_of("0123456789") == std::string_view::npos) {
      prefix = std::stoi(std::string(bits));
    }
    if (prefix < 0 || prefix > max) {
      return "invalid CIDR \"" + std::string(text) + "\": prefix length must be 0-" +
             std::to_string(max);
    }
    n.prefix_length = prefix;
  }
  // Zero the host bits.
  for (int i = 0; i < 16; ++i) {
    const int keep = n.prefix_length - i * 8;
    if (keep >= 8) continue;
    n.bytes[i] = keep <= 0 ? 0 : static_cast<uint8_t>(n.bytes[i] & (0xff << (8 - keep)));
  }
  n.text = std::string(text);
  *out = n;
  return "";
}

std::vector<IpNetwork> DefaultLocalNetworks() {
  std::vector<IpNetwork> out;
  for (const char* cidr :
       {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"}) {
    ParseIpNetwork(cidr, &out.emplace_back());
  }
  return out;
}

}  // namespace outage
