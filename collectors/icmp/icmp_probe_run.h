// IcmpProbeRun: the protocol of one ICMP probe: open the socket to the
// address ProbeRun found, send `packets` echoes `interval` apart and match
// the replies, until the deadline.
//
// Thread-safety: loop thread only. Owned by IcmpProber's ProbeRunSet.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/icmp/icmp_socket.h"
#include "collectors/probe_run.h"

namespace outage {

class IcmpProbeRun : public ProbeRun {
 public:
  // `random` (the prober's) draws echo ids, sequences and tokens.
  IcmpProbeRun(const ProbeContext& context, std::mt19937_64* random, ProbeRequest request,
               ProbeCallback done);
  ~IcmpProbeRun() override;

 private:
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

  void Start() override;
  void OnDeadline() override;
  void Stop() override;
  void Report(ProbeResult* result) override;
  void EnterPhase(Phase phase);

  std::mt19937_64* random_;
  const IcmpProbe& config_;
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
