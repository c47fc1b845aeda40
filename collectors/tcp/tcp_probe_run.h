// TcpProbeRun: the protocol of one tcp, unix or websocket probe, from the
// address ProbeRun found (or the socket path) to the last query_response
// step. Every wait is on the event loop.
//
// Thread-safety: loop thread only. Owned by TcpProber's ProbeRunSet.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/probe_run.h"
#include "collectors/tcp/host_port.h"
#include "collectors/tcp/query_response.h"
#include "collectors/tcp/tcp_prober.h"
#include "collectors/tcp/tcp_stream.h"
#include "collectors/tls_facts.h"
#include "collectors/websocket/websocket_codec.h"

namespace outage {

class TcpProbeRun : public ProbeRun {
 public:
  // What a hostile or broken server can make one probe hold in memory.
  static constexpr size_t kMaxReceivedBytes = 1024 * 1024;
  static constexpr size_t kReadChunkBytes = 16 * 1024;

  TcpProbeRun(const ProbeContext& context, StreamTransport transport, ProbeRequest request,
              ProbeCallback done);
  ~TcpProbeRun() override;

 private:
  void Start() override;
  void OnDeadline() override;
  void Stop() override;
  void Report(ProbeResult* result) override;

  enum class State { kResolving, kConnecting, kHandshaking, kUpgrading, kDialogue };
  enum class Phase { kResolve, kConnect, kTls, kExchange, kUpgrade, kNone };
  // Where the dialogue is within the current step.
  enum class StepPart { kExpect, kSend, kStartTls };
  // The outcome of trying to make progress without blocking.
  enum class Progress { kAdvanced, kWaiting, kFailed };

  // The section of the module this run follows: tcp, unix or websocket.
  struct Settings {
    const std::vector<QueryResponse>& query_response;
    bool tls;
    const TlsConfig& tls_config;
    const std::string& source_ip_address;  // empty but for tcp
  };
  static Settings SettingsFor(StreamTransport transport, const Module& module);

  // StartLookup resolves the host of a tcp or websocket target.
  void StartLookup();
  void Connect(const ResolvedAddress& address);
  void ConnectUnix();
  // OpenSocket makes stream_ a new non-blocking socket of `family`.
  bool OpenSocket(int family);
  // Dial starts connecting stream_ to `address`; `what` is "TCP" or "unix".
  void Dial(const sockaddr* address, socklen_t length, std::string_view what);

  // Advance makes all the progress the socket allows, then waits for it or
  // finishes. The single entry point for socket events.
  void Advance();
  Progress AdvanceConnect();
  Progress AdvanceHandshake();
  // EnterDialogue follows a connection made (and TLS set up): the
  // websocket upgrade, or the first step.
  Progress EnterDialogue();
  Progress AdvanceUpgrade();
  Progress AdvanceDialogue();
  Progress Expect(const QueryResponse& step);
  // Matched records a step's expect matching `text` (a line or a message):
  // the reply to send, the expect_info labels. `groups` point into `text`.
  void Matched(const QueryResponse& step, const std::string& text,
               const std::vector<std::string_view>& groups);
  Progress ExpectBytes(const QueryResponse& step);
  // ExpectMessage matches the next websocket message, as blackbox does:
  // one message per step.
  Progress ExpectMessage(const QueryResponse& step);
  Progress Send();
  // ReadMore reads one chunk into reader_ (kAdvanced), notes EOF, or waits.
  Progress ReadMore();
  // StartTls begins a TLS handshake on the connection (tls, or starttls),
  // once the system CA bundle has loaded: AwaitTrustStore holds the first
  // TLS probes after start-up, off the socket, until it has (on its own
  // thread). BeginTls starts the handshake itself.
  Progress StartTls();
  Progress AwaitTrustStore();
  bool BeginTls();
  // OnStatus turns a non-progress I/O status into a wait or a failure.
  Progress OnStatus(IoStatus status, const std::string& error, std::string_view doing);
  void WaitFor(IoStatus status);
  // NoMatch fails a step whose expectation met EOF.
  Progress NoMatch(std::string_view message, const std::string& regexp);

  void EnterPhase(Phase phase);
  // ReportWebsocket adds the phases and probe_websocket_* samples.
  void ReportWebsocket(ProbeResult* result);

  StreamTransport transport_;
  Settings config_;

  HostPort target_;  // tcp and websocket
  State state_ = State::kResolving;
  EventLoop::TimerId trust_timer_ = 0;  // AwaitTrustStore's next look
  std::unique_ptr<TcpStream> stream_;
  TlsFacts tls_facts_;

  // Dialogue.
  size_t step_ = 0;
  StepPart part_ = StepPart::kExpect;
  LineReader reader_;
  bool eof_ = false;
  size_t received_bytes_ = 0;
  std::string pending_send_;
  bool failed_due_to_regex_ = false;
  bool failed_due_to_bytes_ = false;
  std::vector<LabelPairs> expect_info_;

  // Websocket: the target, the upgrade and the frames after it.
  struct Websocket {
    WebsocketUrl url;
    std::string key;                // Sec-WebSocket-Key sent
    std::vector<std::string> head;  // the answer's lines so far
    int status = 0;                 // the answer's HTTP status; 0 before it
    bool upgraded = false;
    WebsocketReader reader;
    std::string pong;     // a pong frame still to send
    size_t messages = 0;  // data messages received
  } ws_;

  // Phase timing: the current phase and when it began; seconds per phase.
  Phase phase_ = Phase::kNone;
  Clock::time_point phase_start_;
  double phase_seconds_[5] = {0, 0, 0, 0, 0};
};

}  // namespace outage
