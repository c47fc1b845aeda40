#include "collectors/dns/dns_prober.h"

#include <memory>
#include <utility>

#include "collectors/dns/dns_probe_run.h"
#include "config/dns_address.h"

namespace outage {

DnsProber::DnsProber(const ProbeContext& context) : RunProber(context) {}

TargetCheck DnsProber::CheckTarget(std::string_view target) const {
  std::string error;
  auto address = ParseDnsServerAddress(target, &error);
  if (!address) return {std::move(error), std::nullopt};
  if (address->system) return {};  // the system's resolvers: nothing to check up front
  return {std::nullopt, std::move(address->host)};
}

void DnsProber::Start(ProbeRequest request, ProbeCallback done) {
  runs().Start(std::make_unique<dns::DnsProbeRun>(context(), std::move(request), std::move(done)));
}

}  // namespace outage
