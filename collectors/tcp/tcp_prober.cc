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

std::optional<std::string> TcpProber::CheckTarget(std::string_view target) const {
  std::string error;
  switch (transport_) {
    case StreamTransport::kTcp:
      error = SplitHostPort(target).error;
      break;
    case StreamTransport::kUnix:
      return UnixPathProblem(target);
    case StreamTransport::kWebsocket:
      error = ParseWebsocketUrl(target).error;
      break;
  }
  if (!error.empty()) return error;
  return std::nullopt;
}

std::optional<std::string> TcpProber::TargetHost(std::string_view target) const {
  // probe_policy's path globs ("/run/app/*.sock") govern socket paths.
  if (transport_ == StreamTransport::kUnix) return std::string(target);
  const HostPort parsed = transport_ == StreamTransport::kTcp
                              ? SplitHostPort(target)
                              : HostPort{ParseWebsocketUrl(target).host, 0, ""};
  if (!parsed.error.empty() || parsed.host.empty()) return std::nullopt;
  return parsed.host;
}

void TcpProber::Start(ProbeRequest request, ProbeCallback done) {
  runs().Start(
      std::make_unique<TcpProbeRun>(context(), transport_, std::move(request), std::move(done)));
}

}  // namespace outage
