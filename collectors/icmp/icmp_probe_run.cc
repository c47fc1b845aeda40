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

IcmpProbeRun::IcmpProbeRun(const ProbeContext& context, std::mt19937_64* random,
                           ProbeRequest request, ProbeCallback done)
    : ProbeRun(context, std::move(request), std::move(done)),
      random_(random),
      config_(module().icmp) {}

IcmpProbeRun::~IcmpProbeRun() { Stop(); }

void IcmpProbeRun::Start() {
  std::string why;
  const std::optional<std::string> host = IcmpTargetHost(request().target, &why);
  if (!TargetParsed(host ? "" : why, "Invalid target")) return;
  LookUp(*host, ChoiceOf(config_), [this](const ResolvedAddress& address) { Setup(address); });
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
  result().log.Info("Created socket", {{"kind", IcmpSocketKindName(kind_)}});
  if (std::optional<std::string> problem =
          ConfigureIcmpSocket(fd_, address.family(), kind_, config_)) {
    Fail(FailureReason::kNetwork, "Error configuring socket", *problem);
    return;
  }
  if (!config_.source_ip_address.empty()) {
    result().log.Info("Using source address", {{"srcIP", config_.source_ip_address}});
  }
  id_ = static_cast<uint16_t>((*random_)());
  first_sequence_ = static_cast<uint16_t>((*random_)());
  payload_ = EchoPayload((*random_)(), config_.payload_size);
  loop()->WatchFd(fd_, EPOLLIN, [this](uint32_t) { OnReadable(); });
  EnterPhase(Phase::kRtt);
  first_send_ = Clock::now();
  result().log.Info("Waiting for reply packets",
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
  result().log.Debug("Sent echo request", {{"seq", std::to_string(sequence)}});
  echoes_.push_back(Echo{now, false});
  if (static_cast<int>(echoes_.size()) >= config_.packets) return;
  const auto next = first_send_ + config_.interval * echoes_.size();
  if (next >= request().deadline) {
    result().log.Info("Deadline reached before every packet was sent",
                      {{"sent", std::to_string(echoes_.size())}});
    return;
  }
  send_timer_ = loop()->AddTimer(next, [this] {
    send_timer_ = 0;
    SendEcho();
  });
}

void IcmpProbeRun::OnReadable() {
  // Bounded: one wake-up reads at most this many packets (a raw socket may
  // see a flood of other hosts' replies); the rest wait for the next one.
  for (int i = 0; i < 64 && !finished(); ++i) {
    std::string error;
    const std::optional<ReceivedPacket> packet = ReceiveIcmp(fd_, &error);
    if (!packet) {
      if (!error.empty()) result().log.Debug("Error reading from socket", {{"err", error}});
      return;
    }
    Match(*packet, Clock::now());
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
  result().log.Info("Found matching reply packet",
                    {{"seq", std::to_string(reply->sequence)},
                     {"rtt_seconds", std::to_string(rtt)},
                     {"hop_limit", std::to_string(packet.hop_limit)}});
  if (static_cast<int>(rtts_.size()) == config_.packets) {
    result().success = true;
    Finish();
  }
}

void IcmpProbeRun::OnDeadline() {
  if (!rtts_.empty()) {
    // Some echoes were lost: still up, the loss is in the packet metrics.
    result().success = true;
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

void IcmpProbeRun::Stop() {
  if (send_timer_ != 0) loop()->CancelTimer(send_timer_);
  send_timer_ = 0;
  if (fd_ >= 0) {
    loop()->UnwatchFd(fd_);
    close(fd_);
    fd_ = -1;
  }
}

void IcmpProbeRun::Report(ProbeResult* result) {
  ProbeResult& r = *result;
  EnterPhase(Phase::kNone);
  const RttStats stats = ComputeRttStats(rtts_);
  lookup().AddSamples(&r);
  // Blackbox's rtt phase is its one echo's round trip (0 without a reply);
  // over several echoes, the mean round trip.
  const std::pair<std::string_view, double> phases[] = {
      {"resolve", lookup().seconds()}, {"setup", setup_seconds_}, {"rtt", stats.avg}};
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
}

}  // namespace outage
