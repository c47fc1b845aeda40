// TcpProber: blackbox's tcp prober (connect, optional TLS, query_response
// dialogue with STARTTLS) on non-blocking sockets driven by the engine's
// epoll loop, so thousands of probes share one thread. The same dialogue
// serves blackbox's unix prober (over a Unix stream socket) and websocket
// prober (after an RFC 6455 upgrade, one message per step): one instance
// per transport.
//
// Thread-safety: loop thread only, except CheckTarget (thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "collectors/async_resolver.h"
#include "collectors/event_loop.h"
#include "collectors/prober.h"

namespace outage {

class TcpProbeRun;

// StreamTransport is what a TcpProber's target names and how its dialogue
// travels.
enum class StreamTransport {
  kTcp,        // host:port
  kUnix,       // the path of a Unix stream socket
  kWebsocket,  // a ws:// or wss:// URL; steps are text messages
};

class TcpProber : public Prober {
 public:
  explicit TcpProber(EventLoop* loop, StreamTransport transport = StreamTransport::kTcp);
  ~TcpProber() override;
  TcpProber(const TcpProber&) = delete;
  TcpProber& operator=(const TcpProber&) = delete;

  std::optional<std::string> CheckTarget(std::string_view target) const override;
  std::optional<std::string> TargetHost(std::string_view target) const override;
  void Start(ProbeRequest request, ProbeCallback done) override;
  void CancelAll() override;

 private:
  friend class TcpProbeRun;

  // Release destroys a finished run; the run's last act.
  void Release(TcpProbeRun* run);

  EventLoop* loop_;
  StreamTransport transport_;
  AsyncResolver resolver_;
  std::unordered_map<TcpProbeRun*, std::unique_ptr<TcpProbeRun>> runs_;
};

}  // namespace outage
