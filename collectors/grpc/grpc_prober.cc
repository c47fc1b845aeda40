#include "collectors/grpc/grpc_prober.h"

#include <memory>
#include <utility>

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

GrpcProber::GrpcProber(const ProbeContext& context) : CurlProber(context) {}

TargetCheck GrpcProber::CheckTarget(std::string_view target) const {
  HostPort parsed = SplitGrpcTarget(target);
  if (!parsed.error.empty()) return {std::move(parsed.error), std::nullopt};
  return {std::nullopt, std::move(parsed.host)};
}

void GrpcProber::Start(ProbeRequest request, ProbeCallback done) {
  runs().Start(
      std::make_unique<GrpcProbeRun>(context(), transfers(), std::move(request), std::move(done)));
}

}  // namespace outage
