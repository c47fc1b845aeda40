// IcmpProbeRun: the state of one ICMP probe: resolve the host, open the
// socket, send `packets` echoes `interval` apart and match the replies,
// all bounded by one deadline timer.
//
// Thread-safety: loop thread only. Owned by IcmpProber.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/icmp/icmp_socket.h"
#include "collectors/probe_target.h"
#include "collectors/prober.h"

namespace outage {

class IcmpProber;

class IcmpProbeRun {
 public:
  IcmpProbeRun(IcmpProber* owner, ProbeRequest request, ProbeCallback done);
  ~IcmpProbeRun();
  IcmpProbeRun(const IcmpProbeRun&) = delete;
  IcmpProbeRun& operator=(const IcmpProbeRun&) = delete;

  // Begin starts the probe (or finishes at once on a bad target).
  void Begin();
  // Cancel ends the probe now with a failed result.
  void Cancel(std::string_view why);

  bool finished() const { return finished_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kSetup, kRtt, kNone };  // resolving is lookup_'s

  // Echo is one request sent: when, and whether its reply came.
  struct Echo {
    Clock::time_point sent;
    bool answered = false;
  };

  void Setup(const ResolvedAddress& address);
  void SendEcho();
  void OnReadable();
  // Match records `packet` if it answers one of our echoes.
  void Match(const ReceivedPacket& packet, Clock::time_point received);
  void OnDeadline();

  void EnterPhase(Phase phase);
  void Fail(FailureReason reason, std::string_view message, const std::string& error = "");
  void Finish();
  // ReleaseIfFinished hands a finished run back to its owner, destroying
  // it: the last statement of every loop callback.
  void ReleaseIfFinished();

  IcmpProber* owner_;
  ProbeRequest request_;
  const IcmpProbe& config_;
  ProbeCallback done_;
  ProbeResult result_;
  bool finished_ = false;

  TargetLookup lookup_;  // the resolve phase
  EventLoop::TimerId deadline_timer_ = 0;
  EventLoop::TimerId send_timer_ = 0;

  int fd_ = -1;
  IcmpSocketKind kind_ = IcmpSocketKind::kRaw;
  bool v6_ = false;
  sockaddr_storage remote_{};
  socklen_t remote_len_ = 0;
  uint16_t id_ = 0;  // the echo id (a datagram socket's kernel replaces it)
  uint16_t first_sequence_ = 0;
  std::string payload_;  // identical in every echo of this probe
  Clock::time_point first_send_;
  std::vector<Echo> echoes_;  // one per echo sent, in sequence order
  std::vector<double> rtts_;  // seconds, per reply received
  int hop_limit_ = -1;        // of the first reply

  Phase phase_ = Phase::kNone;
  Clock::time_point phase_start_;
  double setup_seconds_ = 0;
};

}  // namespace outage
