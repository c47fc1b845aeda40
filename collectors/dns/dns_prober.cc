#include "collectors/dns/dns_prober.h"

#include <memory>
#include <utility>

#include "collectors/dns/dns_probe_run.h"
#include "config/dns_address.h"

namespace outage {

DnsProber::DnsProber(const ProbeContext& context) : RunProber(context) {}

std::optional<std::string> DnsProber::CheckTarget(std::string_view target) const {
  std::string error;
  if (!ParseDnsServerAddress(target, &error)) return error;
  return std::nullopt;
}

std::optional<std::string> DnsProber::TargetHost(std::string_view target) const {
  std::string error;
  auto address = ParseDnsServerAddress(target, &error);
  if (!address || address->system) return std::nullopt;
  return address->host;
}

void DnsProber::Start(ProbeRequest request, ProbeCallback done) {
  runs().Start(std::make_unique<dns::DnsProbeRun>(context(), std::move(request), std::move(done)));
}

}  // namespace outage
