#include "collectors/tcp/tcp_prober.h"

#include <utility>
#include <vector>

#include "collectors/tcp/host_port.h"
#include "collectors/tcp/tcp_probe_run.h"

namespace outage {

TcpProber::TcpProber(EventLoop* loop) : loop_(loop), resolver_(loop) {}

TcpProber::~TcpProber() { runs_.clear(); }  // before resolver_: runs cancel lookups

std::optional<std::string> TcpProber::CheckTarget(std::string_view target) const {
  HostPort parsed = SplitHostPort(target);
  if (!parsed.error.empty()) return parsed.error;
  return std::nullopt;
}

std::optional<std::string> TcpProber::TargetHost(std::string_view target) const {
  HostPort parsed = SplitHostPort(target);
  if (!parsed.error.empty()) return std::nullopt;
  return parsed.host;
}

void TcpProber::Start(ProbeRequest request, ProbeCallback done) {
  auto run = std::make_unique<TcpProbeRun>(this, std::move(request), std::move(done));
  TcpProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  raw->Begin();
  if (raw->finished()) runs_.erase(raw);
}

void TcpProber::Release(TcpProbeRun* run) { runs_.erase(run); }

void TcpProber::CancelAll() {
  std::vector<TcpProbeRun*> running;
  running.reserve(runs_.size());
  for (auto& [raw, owned] : runs_) running.push_back(raw);
  for (TcpProbeRun* run : running) {
    run->Cancel("exporter is shutting down");
    runs_.erase(run);
  }
}

}  // namespace outage
