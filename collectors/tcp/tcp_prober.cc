#include "collectors/tcp/tcp_prober.h"

#include <memory>
#include <utility>

#include "collectors/tcp/host_port.h"
#include "collectors/tcp/tcp_probe_run.h"
#include "collectors/unix/unix_socket_path.h"
#include "collectors/websocket/websocket_codec.h"

namespace outage {

TcpProber::TcpProber(const ProbeContext& context, StreamTransport transport)
    : RunProber(context), transport_(transport) {}

TargetCheck TcpProber::CheckTarget(std::string_view target) const {
  HostPort parsed;
  switch (transport_) {
    case StreamTransport::kTcp:
      parsed = SplitHostPort(target);
      break;
    case StreamTransport::kUnix:
      // probe_policy's path globs ("/run/app/*.sock") govern socket paths.
      if (auto problem = UnixPathProblem(target)) return {std::move(problem), std::nullopt};
      return {std::nullopt, std::string(target)};
    case StreamTransport::kWebsocket: {
      WebsocketUrl url = ParseWebsocketUrl(target);
      parsed.error = std::move(url.error);
      parsed.host = std::move(url.host);
      break;
    }
  }
  if (!parsed.error.empty()) return {std::move(parsed.error), std::nullopt};
  if (parsed.host.empty()) return {};
  return {std::nullopt, std::move(parsed.host)};
}

void TcpProber::Start(ProbeRequest request, ProbeCallback done) {
  runs().Start(
      std::make_unique<TcpProbeRun>(context(), transport_, std::move(request), std::move(done)));
}

}  // namespace outage
