#include "collectors/ip_facts.h"

#include <arpa/inet.h>

#include <string>

#include "collectors/metric_catalog.h"

namespace outage {
namespace {

uint32_t Fnv1a32(const unsigned char* data, size_t len) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < len; ++i) {
    hash ^= data[i];
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace

uint32_t IpAddrHash(std::string_view ip) {
  // blackbox hashes the address bytes (4 for IPv4, 16 for IPv6), so the
  // values match series recorded from blackbox.
  const std::string text(ip);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return Fnv1a32(bytes, 4);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return Fnv1a32(bytes, 16);
  return Fnv1a32(reinterpret_cast<const unsigned char*>(ip.data()), ip.size());
}

void AddIpFacts(std::string_view ip, ProbeResult* result) {
  double protocol = 0;
  if (!ip.empty()) protocol = ip.find(':') != std::string_view::npos ? 6 : 4;
  result->Add(metric::kIpProtocol, protocol);
  result->Add(metric::kIpAddrHash, ip.empty() ? 0 : static_cast<double>(IpAddrHash(ip)));
  result->peer_ip = std::string(ip);
}

}  // namespace outage
