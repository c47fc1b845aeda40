#include "collectors/icmp/icmp_prober.h"

#include <arpa/inet.h>

#include <memory>
#include <utility>

#include "collectors/icmp/icmp_probe_run.h"

namespace outage {

std::optional<std::string> IcmpTargetHost(std::string_view target, std::string* why) {
  std::string host(target);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) {
    *why = "empty target (want a host name or IP address)";
    return std::nullopt;
  }
  in6_addr scratch{};
  if (inet_pton(AF_INET6, host.c_str(), &scratch) == 1) return host;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok) {
      *why = "invalid ICMP target \"" + std::string(target) +
             "\" (want a host name or IP address, without port or scheme)";
      return std::nullopt;
    }
  }
  return host;
}

IcmpProber::IcmpProber(const ProbeContext& context)
    : RunProber(context), random_(std::random_device{}()) {}

TargetCheck IcmpProber::CheckTarget(std::string_view target) const {
  std::string why;
  std::optional<std::string> host = IcmpTargetHost(target, &why);
  if (!host) return {std::move(why), std::nullopt};
  return {std::nullopt, std::move(host)};
}

void IcmpProber::Start(ProbeRequest request, ProbeCallback done) {
  runs().Start(
      std::make_unique<IcmpProbeRun>(context(), &random_, std::move(request), std::move(done)));
}

}  // namespace outage
