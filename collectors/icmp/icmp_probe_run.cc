#include "collectors/icmp/icmp_probe_run.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "collectors/icmp/icmp_packet.h"
#include "collectors/icmp/icmp_prober.h"
#include "collectors/metric_catalog.h"

namespace outage {
namespace {

std::string Seconds(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration<double>(d).count());
}

}  // namespace

IcmpProbeRun::IcmpProbeRun(IcmpProber* owner, ProbeRequest request, ProbeCallback done)
    : owner_(owner),
      request_(std::move(request)),
      config_(request_.module->icmp),
      done_(std::move(done)),
      lookup_(&owner->resolver_) {
  result_.log = ProbeLog(request_.debug);
}

IcmpProbeRun::~IcmpProbeRun() {
  // Only a run destroyed unfinished (prober shutdown) still holds these.
  if (deadline_timer_ != 0) owner_->loop_->CancelTimer(deadline_timer_);
  if (send_timer_ != 0) owner_->loop_->CancelTimer(send_timer_);
  if (fd_ >= 0) {
    owner_->loop_->UnwatchFd(fd_);
    close(fd_);
  }
}

void IcmpProbeRun::Begin() {
  result_.log.Info(
      "Beginning probe",
      {{"probe", "icmp"}, {"timeout_seconds", Seconds(request_.deadline - Clock::now())}});
  std::string why;
  std::optional<std::string> host = IcmpTargetHost(request_.target, &why);
  if (!host) {
    Fail(FailureReason::kProtocol, "Invalid target", why);
    return;
  }
  if (!lookup_.Start(request_, config_, *host, &result_, [this](const ResolvedAddress* address) {
        if (address == nullptr) {
          Finish();
        } else {
          Setup(*address);
        }
        ReleaseIfFinished();
      })) {
    Finish();
    return;
  }
  deadline_timer_ = owner_->loop_->AddTimer(request_.deadline, [this] {
    deadline_timer_ = 0;
    OnDeadline();
    ReleaseIfFinished();
  });
}

void IcmpProbeRun::Cancel(std::string_view why) {
  if (finished_) return;
  Fail(FailureReason::kTimeout, "Probe cancelled", std::string(why));
}

void IcmpProbeRun::Setup(const ResolvedAddress& address) {
  EnterPhase(Phase::kSetup);
  std::string error;
  v6_ = address.family() == AF_INET6;
  remote_ = address.addr;
  remote_len_ = address.addr_len;
  fd_ = OpenIcmpSocket(address.family(), &kind_, &error);
  if (fd_ < 0) {
    // No packet can leave, so the target's state is unknown; `network` is
    // the closest reason (the exporter's own path to the target is broken).
    Fail(FailureReason::kNetwork, "Error creating socket", error);
    return;
  }
  result_.log.Info("Created socket", {{"kind", IcmpSocketKindName(kind_)}});
  if (!ConfigureIcmpSocket(fd_, address.family(), kind_, config_, &error)) {
    Fail(FailureReason::kNetwork, "Error configuring socket", error);
    return;
  }
  if (!config_.source_ip_address.empty()) {
    result_.log.Info("Using source address", {{"srcIP", config_.source_ip_address}});
  }
  id_ = static_cast<uint16_t>(owner_->Random());
  first_sequence_ = static_cast<uint16_t>(owner_->Random());
  payload_ = EchoPayload(owner_->Random(), config_.payload_size);
  owner_->loop_->WatchFd(fd_, EPOLLIN, [this](uint32_t) {
    OnReadable();
    ReleaseIfFinished();
  });
  EnterPhase(Phase::kRtt);
  first_send_ = Clock::now();
  result_.log.Info("Waiting for reply packets",
                   {{"packets", std::to_string(config_.packets)},
                    {"interval_seconds", std::to_string(config_.interval.count() / 1000.0)}});
  SendEcho();
}

void IcmpProbeRun::SendEcho() {
  const auto sequence = static_cast<uint16_t>(first_sequence_ + echoes_.size());
  const std::string packet = EncodeEchoRequest(v6_, id_, sequence, payload_);
  const auto now = Clock::now();
  if (sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&remote_),
             remote_len_) < 0) {
    // EHOSTUNREACH, ENETUNREACH, EMSGSIZE with dont_fragment, EPERM from a
    // firewall: the way to the target is broken.
    Fail(FailureReason::kNetwork, "Error writing to socket", std::strerror(errno));
    return;
  }
  result_.log.Debug("Sent echo request", {{"seq", std::to_string(sequence)}});
  echoes_.push_back(Echo{now, false});
  if (static_cast<int>(echoes_.size()) >= config_.packets) return;
  const auto next = first_send_ + config_.interval * echoes_.size();
  if (next >= request_.deadline) {
    result_.log.Info("Deadline reached before every packet was sent",
                     {{"sent", std::to_string(echoes_.size())}});
    return;
  }
  send_timer_ = owner_->loop_->AddTimer(next, [this] {
    send_timer_ = 0;
    SendEcho();
    ReleaseIfFinished();
  });
}

void IcmpProbeRun::OnReadable() {
  // Bounded: one wake-up reads at most this many packets (a raw socket may
  // see a flood of other hosts' replies); the rest wait for the next one.
  for (int i = 0; i < 64 && !finished_; ++i) {
    ReceivedPacket packet;
    std::string error;
    if (!ReceiveIcmp(fd_, &packet, &error)) {
      if (!error.empty()) result_.log.Debug("Error reading from socket", {{"err", error}});
      return;
    }
    Match(packet, Clock::now());
  }
}

void IcmpProbeRun::Match(const ReceivedPacket& packet, Clock::time_point received) {
  const bool ip_header = kind_ == IcmpSocketKind::kRaw && !v6_;
  const std::optional<EchoReply> reply = ParseEchoReply(v6_, ip_header, packet.bytes);
  if (!reply) return;
  // A datagram socket's kernel owns the id (and only delivers our replies);
  // a raw socket sees every reply on the host, so the id must match too.
  if (kind_ == IcmpSocketKind::kRaw && reply->id != id_) return;
  if (reply->payload != payload_) return;
  const auto index = static_cast<uint16_t>(reply->sequence - first_sequence_);
  if (index >= echoes_.size() || echoes_[index].answered) return;
  Echo& echo = echoes_[index];
  echo.answered = true;
  const double rtt = std::chrono::duration<double>(received - echo.sent).count();
  rtts_.push_back(rtt);
  if (hop_limit_ < 0) hop_limit_ = packet.hop_limit;
  result_.log.Info("Found matching reply packet",
                   {{"seq", std::to_string(reply->sequence)},
                    {"rtt_seconds", std::to_string(rtt)},
                    {"hop_limit", std::to_string(packet.hop_limit)}});
  if (static_cast<int>(rtts_.size()) == config_.packets) {
    result_.success = true;
    Finish();
  }
}

void IcmpProbeRun::OnDeadline() {
  if (lookup_.pending()) {
    Fail(FailureReason::kDns, "Deadline passed while resolving the target");
    return;
  }
  if (!rtts_.empty()) {
    // Some echoes were lost: still up, the loss is in the packet metrics.
    result_.success = true;
    Finish();
    return;
  }
  // No reply at all: an unreachable host or a path that drops ICMP. There is
  // no connection to be slow on, so this is `network`, not `timeout`.
  Fail(FailureReason::kNetwork, "Timeout reading from socket",
       "no echo reply before the deadline (" + std::to_string(echoes_.size()) + " sent)");
}

void IcmpProbeRun::EnterPhase(Phase phase) {
  const auto now = Clock::now();
  if (phase_ == Phase::kSetup) {
    setup_seconds_ += std::chrono::duration<double>(now - phase_start_).count();
  }
  phase_ = phase;
  phase_start_ = now;
}

void IcmpProbeRun::Fail(FailureReason reason, std::string_view message, const std::string& error) {
  result_.Fail(reason, message, error);
  Finish();
}

void IcmpProbeRun::Finish() {
  if (finished_) return;
  finished_ = true;
  EnterPhase(Phase::kNone);
  if (deadline_timer_ != 0) owner_->loop_->CancelTimer(deadline_timer_);
  deadline_timer_ = 0;
  if (send_timer_ != 0) owner_->loop_->CancelTimer(send_timer_);
  send_timer_ = 0;
  lookup_.Stop();
  if (fd_ >= 0) {
    owner_->loop_->UnwatchFd(fd_);
    close(fd_);
    fd_ = -1;
  }

  ProbeResult& r = result_;
  const RttStats stats = ComputeRttStats(rtts_);
  lookup_.AddSamples(&r);
  // Blackbox's rtt phase is its one echo's round trip (0 without a reply);
  // over several echoes, the mean round trip.
  const std::pair<std::string_view, double> phases[] = {
      {"resolve", lookup_.seconds()}, {"setup", setup_seconds_}, {"rtt", stats.avg}};
  for (const auto& [name, seconds] : phases) {
    r.Add(metric::kIcmpDuration, {{"phase", std::string(name)}}, seconds);
    r.phases.push_back(PhaseTiming{name, seconds});
  }
  if (hop_limit_ >= 0) r.Add(metric::kIcmpReplyHopLimit, hop_limit_);
  r.Add(metric::kIcmpPacketsSent, static_cast<double>(echoes_.size()));
  r.Add(metric::kIcmpPacketsReceived, static_cast<double>(rtts_.size()));
  if (!rtts_.empty()) {
    const std::pair<std::string_view, double> rtt_stats[] = {
        {"min", stats.min}, {"avg", stats.avg}, {"max", stats.max}, {"stddev", stats.stddev}};
    for (const auto& [name, seconds] : rtt_stats) {
      r.Add(metric::kIcmpRtt, {{"stat", std::string(name)}}, seconds);
    }
  }

  ProbeCallback done = std::move(done_);
  done(std::move(result_));
}

void IcmpProbeRun::ReleaseIfFinished() {
  if (finished_) owner_->Release(this);
}

}  // namespace outage
