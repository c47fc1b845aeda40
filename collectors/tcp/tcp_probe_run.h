// TcpProbeRun: the state of one TCP probe, from resolving the host to the
// last query_response step. Every wait is on the event loop; one deadline
// timer ends the probe whatever it is doing.
//
// Thread-safety: loop thread only. Owned by TcpProber.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/probe_target.h"
#include "collectors/prober.h"
#include "collectors/tcp/query_response.h"
#include "collectors/tcp/tcp_stream.h"
#include "collectors/tls_facts.h"

namespace outage {

class TcpProber;

class TcpProbeRun {
 public:
  // What a hostile or broken server can make one probe hold in memory.
  static constexpr size_t kMaxReceivedBytes = 1024 * 1024;
  static constexpr size_t kReadChunkBytes = 16 * 1024;

  TcpProbeRun(TcpProber* owner, ProbeRequest request, ProbeCallback done);
  ~TcpProbeRun();
  TcpProbeRun(const TcpProbeRun&) = delete;
  TcpProbeRun& operator=(const TcpProbeRun&) = delete;

  // Begin starts the probe (or finishes at once on a bad target).
  void Begin();
  // Cancel ends the probe now with a failed result.
  void Cancel(std::string_view why);

  bool finished() const { return finished_; }

 private:
  using Clock = std::chrono::steady_clock;

  enum class State { kResolving, kConnecting, kHandshaking, kDialogue };
  enum class Phase { kResolve, kConnect, kTls, kExchange, kNone };
  // Where the dialogue is within the current step.
  enum class StepPart { kExpect, kSend, kStartTls };
  // The outcome of trying to make progress without blocking.
  enum class Progress { kAdvanced, kWaiting, kFailed };

  void Connect(const ResolvedAddress& address);
  void OnDeadline();

  // Advance makes all the progress the socket allows, then waits for it or
  // finishes. The single entry point for socket events.
  void Advance();
  Progress AdvanceConnect();
  Progress AdvanceHandshake();
  Progress AdvanceDialogue();
  Progress Expect(const QueryResponse& step);
  Progress ExpectBytes(const QueryResponse& step);
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
  void Fail(FailureReason reason, std::string_view message, const std::string& error = "");
  void Finish();
  // ReleaseIfFinished hands a finished run back to its owner, destroying
  // it: the last statement of every loop callback.
  void ReleaseIfFinished();

  TcpProber* owner_;
  ProbeRequest request_;
  const TcpProbe& config_;
  ProbeCallback done_;
  ProbeResult result_;
  bool finished_ = false;

  std::string host_;
  int port_ = 0;
  State state_ = State::kResolving;
  TargetLookup lookup_;  // the resolve phase
  EventLoop::TimerId deadline_timer_ = 0;
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

  // Phase timing: the current phase and when it began; seconds per phase.
  Phase phase_ = Phase::kNone;
  Clock::time_point phase_start_;
  double phase_seconds_[4] = {0, 0, 0, 0};
};

}  // namespace outage
