#include "collectors/ip_facts.h"

#include "collectors/metric_catalog.h"

namespace outage {

uint32_t IpAddrHash(std::string_view ip) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : ip) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

void AddIpFacts(std::string_view ip, ProbeResult* result) {
  double protocol = 0;
  if (!ip.empty()) protocol = ip.find(':') != std::string_view::npos ? 6 : 4;
  result->Add(metric::kIpProtocol, protocol);
  result->Add(metric::kIpAddrHash, ip.empty() ? 0 : static_cast<double>(IpAddrHash(ip)));
}

}  // namespace outage
