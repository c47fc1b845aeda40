#include "collectors/dns/dns_prober.h"

#include <utility>
#include <vector>

#include "collectors/dns/dns_probe_run.h"
#include "config/dns_address.h"

namespace outage {

DnsProber::DnsProber(EventLoop* loop) : loop_(loop), resolver_(loop) {}

DnsProber::~DnsProber() { runs_.clear(); }  // before resolver_: runs cancel lookups

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
  auto run = std::make_unique<dns::DnsProbeRun>(loop_, &resolver_, std::move(request));
  dns::DnsProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  raw->Begin([this, raw, done = std::move(done)](ProbeResult result) {
    done(std::move(result));
    // This runs inside a c-ares callback, where its channel must not be
    // destroyed: drop the run once the stack has unwound.
    loop_->Post([this, raw] { runs_.erase(raw); });
  });
}

void DnsProber::CancelAll() {
  std::vector<dns::DnsProbeRun*> running;
  running.reserve(runs_.size());
  for (auto& [raw, owned] : runs_) running.push_back(raw);
  for (dns::DnsProbeRun* run : running) run->Cancel("exporter is shutting down");
}

}  // namespace outage
