// DotQuery: one DNS query over TLS (RFC 7858) on the engine's EventLoop: a
// non-blocking TCP connect to the resolver, the TLS handshake of the shared
// TLS client (tls_config), then the query and its answer, each framed by a
// two-byte length as DNS over TCP is (RFC 1035 section 4.2.2).
//
// Thread-safety: loop thread only. It may be destroyed at any time; its
// callback never runs after that.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collectors/event_loop.h"
#include "collectors/failure_reason.h"
#include "collectors/tcp/tcp_stream.h"
#include "collectors/tls_facts.h"
#include "config/config.h"

namespace outage::dns {

struct DotOutcome {
  bool ok = false;
  FailureReason reason = FailureReason::kNone;  // when !ok
  std::string error;                            // when !ok, one line
  std::vector<uint8_t> answer;                  // when ok: the whole reply
};

class DotQuery {
 public:
  using Callback = std::function<void(const DotOutcome&)>;

  // `tls` and `server_name` (the name the certificate must match) are read
  // when the handshake starts; `tls` must outlive the query.
  DotQuery(EventLoop* loop, const TlsConfig& tls, std::string server_name);
  ~DotQuery();
  DotQuery(const DotQuery&) = delete;
  DotQuery& operator=(const DotQuery&) = delete;

  // Start sends `query` to ip:port (already allowed by probe_policy), from
  // source_ip unless empty; `done` runs exactly once unless the query is
  // destroyed or cancelled first. The reply must carry the query's id.
  void Start(const std::string& ip, int port, const std::string& source_ip,
             std::vector<uint8_t> query, Callback done);
  // Cancel ends the query now: `done` runs with a failure whose reason says
  // where it stood (network while connecting, timeout after).
  void Cancel(const std::string& why);

  // ConnectSeconds is the TCP connect plus the TLS handshake; valid once
  // `done` ran.
  double ConnectSeconds() const { return connect_seconds_; }
  const TlsFacts& tls_facts() const { return tls_facts_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class State { kConnecting, kAwaitingTrust, kHandshaking, kSending, kReading, kDone };

  // Advance makes all the progress the socket allows, then waits or ends.
  void Advance();
  bool BeginTls();
  void WaitFor(IoStatus status);
  // OnStatus turns a non-progress I/O status into a wait or an end.
  void OnStatus(IoStatus status, const std::string& error);
  void End(const DotOutcome& outcome);

  EventLoop* loop_;
  const TlsConfig& tls_;
  std::string server_name_;
  Callback done_;
  State state_ = State::kDone;
  std::unique_ptr<TcpStream> stream_;
  EventLoop::TimerId trust_timer_ = 0;
  TlsFacts tls_facts_;
  std::string pending_send_;
  std::string received_;
  uint16_t id_ = 0;
  Clock::time_point start_;
  double connect_seconds_ = 0;
};

}  // namespace outage::dns
