#include "collectors/icmp/icmp_prober.h"

#include <arpa/inet.h>

#include <utility>
#include <vector>

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

IcmpProber::IcmpProber(EventLoop* loop)
    : loop_(loop), resolver_(loop), random_(std::random_device{}()) {}

IcmpProber::~IcmpProber() { runs_.clear(); }  // before resolver_: runs cancel lookups

std::optional<std::string> IcmpProber::CheckTarget(std::string_view target) const {
  std::string why;
  if (!IcmpTargetHost(target, &why)) return why;
  return std::nullopt;
}

std::optional<std::string> IcmpProber::TargetHost(std::string_view target) const {
  std::string why;
  return IcmpTargetHost(target, &why);
}

void IcmpProber::Start(ProbeRequest request, ProbeCallback done) {
  auto run = std::make_unique<IcmpProbeRun>(this, std::move(request), std::move(done));
  IcmpProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  raw->Begin();
  if (raw->finished()) runs_.erase(raw);
}

void IcmpProber::Release(IcmpProbeRun* run) { runs_.erase(run); }

void IcmpProber::CancelAll() {
  std::vector<IcmpProbeRun*> running;
  running.reserve(runs_.size());
  for (auto& [raw, owned] : runs_) running.push_back(raw);
  for (IcmpProbeRun* run : running) {
    run->Cancel("exporter is shutting down");
    runs_.erase(run);
  }
}

}  // namespace outage
