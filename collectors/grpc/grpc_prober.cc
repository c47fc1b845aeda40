#include "collectors/grpc/grpc_prober.h"

#include <utility>
#include <vector>

#include "collectors/grpc/grpc_probe_run.h"

namespace outage {

HostPort SplitGrpcTarget(std::string_view target) {
  const size_t scheme_end = target.find("://");
  if (scheme_end != std::string_view::npos) {
    target.remove_prefix(scheme_end + 3);
    target = target.substr(0, target.find('/'));
  }
  return SplitHostPort(target);
}

GrpcProber::GrpcProber(EventLoop* loop)
    : resolver_(loop),
      transfers_(loop, [this](CURL* easy, CURLcode code) { OnTransferDone(easy, code); }) {}

GrpcProber::~GrpcProber() { runs_.clear(); }  // runs remove transfers, cancel lookups

std::optional<std::string> GrpcProber::CheckTarget(std::string_view target) const {
  HostPort parsed = SplitGrpcTarget(target);
  if (!parsed.error.empty()) return parsed.error;
  return std::nullopt;
}

std::optional<std::string> GrpcProber::TargetHost(std::string_view target) const {
  HostPort parsed = SplitGrpcTarget(target);
  if (!parsed.error.empty()) return std::nullopt;
  return parsed.host;
}

void GrpcProber::Start(ProbeRequest request, ProbeCallback done) {
  auto run = std::make_unique<GrpcProbeRun>(this, std::move(request), std::move(done));
  GrpcProbeRun* raw = run.get();
  runs_.emplace(raw, std::move(run));
  raw->Begin();
  if (raw->finished()) runs_.erase(raw);
}

void GrpcProber::OnTransferDone(CURL* easy, CURLcode code) {
  GrpcProbeRun* run = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &run);
  if (run == nullptr || runs_.count(run) == 0) return;
  run->OnTransferDone(code);
  if (run->finished()) runs_.erase(run);
}

void GrpcProber::Release(GrpcProbeRun* run) { runs_.erase(run); }

void GrpcProber::CancelAll() {
  std::vector<GrpcProbeRun*> running;
  running.reserve(runs_.size());
  for (auto& [raw, owned] : runs_) running.push_back(raw);
  for (GrpcProbeRun* run : running) {
    run->Cancel("exporter is shutting down");
    runs_.erase(run);
  }
}

}  // namespace outage
