// TcpProber: blackbox's tcp prober (connect, optional TLS, query_response
// dialogue with STARTTLS) on non-blocking sockets driven by the engine's
// epoll loop, so thousands of probes share one thread. The same dialogue
// serves blackbox's unix prober (over a Unix stream socket) and websocket
// prober (after an RFC 6455 upgrade, one message per step): one instance
// per transport.
//
// Thread-safety: loop thread only, except CheckTarget (thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collectors/probe_run.h"
#include "collectors/prober.h"

namespace outage {

// StreamTransport is what a TcpProber's target names and how its dialogue
// travels.
enum class StreamTransport {
  kTcp,        // host:port
  kUnix,       // the path of a Unix stream socket
  kWebsocket,  // a ws:// or wss:// URL; steps are text messages
};

class TcpProber : public RunProber {
 public:
  explicit TcpProber(const ProbeContext& context,
                     StreamTransport transport = StreamTransport::kTcp);

  TargetCheck CheckTarget(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;

 private:
  StreamTransport transport_;
};

}  // namespace outage
