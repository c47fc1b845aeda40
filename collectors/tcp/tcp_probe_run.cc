#include "collectors/tcp/tcp_probe_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <re2/re2.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "collectors/metric_catalog.h"
#include "collectors/tcp/host_port.h"
#include "collectors/tcp/tcp_prober.h"

namespace outage {
namespace {

constexpr std::string_view kPhaseNames[] = {"resolve", "connect", "tls", "exchange"};

std::string Seconds(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration<double>(d).count());
}

// SourceAddress parses source_ip_address for a socket of `family`.
bool SourceAddress(const std::string& ip, int family, sockaddr_storage* out, socklen_t* len) {
  *out = sockaddr_storage{};
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(out);
    in->sin_family = AF_INET;
    *len = sizeof(sockaddr_in);
    return inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
  in6->sin6_family = AF_INET6;
  *len = sizeof(sockaddr_in6);
  return inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1;
}

}  // namespace

TcpProbeRun::TcpProbeRun(TcpProber* owner, ProbeRequest request, ProbeCallback done)
    : owner_(owner),
      request_(std::move(request)),
      config_(request_.module->tcp),
      done_(std::move(done)),
      lookup_(&owner->resolver_) {
  result_.log = ProbeLog(request_.debug);
}

TcpProbeRun::~TcpProbeRun() {
  // Only a run destroyed unfinished (prober shutdown) still holds these.
  if (deadline_timer_ != 0) owner_->loop_->CancelTimer(deadline_timer_);
  if (trust_timer_ != 0) owner_->loop_->CancelTimer(trust_timer_);
  if (stream_) owner_->loop_->UnwatchFd(stream_->fd());
}

void TcpProbeRun::Begin() {
  result_.log.Info(
      "Beginning probe",
      {{"probe", "tcp"}, {"timeout_seconds", Seconds(request_.deadline - Clock::now())}});
  HostPort target = SplitHostPort(request_.target);
  if (!target.error.empty()) {
    Fail(FailureReason::kProtocol, "Error splitting target address and port", target.error);
    return;
  }
  host_ = std::move(target.host);
  port_ = target.port;
  if (!lookup_.Start(request_, config_, host_, &result_, [this](const ResolvedAddress* address) {
        if (address == nullptr) {
          Finish();
        } else {
          Connect(*address);
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

void TcpProbeRun::Cancel(std::string_view why) {
  if (finished_) return;
  Fail(FailureReason::kTimeout, "Probe cancelled", std::string(why));
}

void TcpProbeRun::Connect(const ResolvedAddress& address) {
  EnterPhase(Phase::kConnect);
  state_ = State::kConnecting;
  const int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    Fail(FailureReason::kNetwork, "Error creating socket", std::strerror(errno));
    return;
  }
  stream_ = std::make_unique<TcpStream>(fd);
  // Each send is one whole line: no point in Nagle delaying the next one.
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!config_.source_ip_address.empty()) {
    sockaddr_storage local;
    socklen_t local_len = 0;
    if (!SourceAddress(config_.source_ip_address, address.family(), &local, &local_len)) {
      Fail(FailureReason::kNetwork, "Error binding source address",
           "source_ip_address " + config_.source_ip_address + " is not of the target's family");
      return;
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), local_len) != 0) {
      Fail(FailureReason::kNetwork, "Error binding source address", std::strerror(errno));
      return;
    }
    result_.log.Info("Using local address", {{"srcIP", config_.source_ip_address}});
  }
  sockaddr_storage remote = address.addr;
  if (address.family() == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&remote)->sin_port = htons(static_cast<uint16_t>(port_));
  } else {
    reinterpret_cast<sockaddr_in6*>(&remote)->sin6_port = htons(static_cast<uint16_t>(port_));
  }
  result_.log.Info(config_.tls ? "Dialing TCP with TLS" : "Dialing TCP without TLS");
  if (connect(fd, reinterpret_cast<sockaddr*>(&remote), address.addr_len) != 0 &&
      errno != EINPROGRESS) {
    Fail(FailureReason::kNetwork, "Error dialing TCP", std::strerror(errno));
    return;
  }
  // Done or in progress alike: writability reports the outcome.
  WaitFor(IoStatus::kWantWrite);
}

void TcpProbeRun::OnDeadline() {
  switch (state_) {
    case State::kResolving:
      Fail(FailureReason::kDns, "Deadline passed while resolving the target");
      return;
    case State::kConnecting:
      Fail(FailureReason::kNetwork, "Deadline passed while connecting");
      return;
    case State::kHandshaking:
      Fail(FailureReason::kTimeout, "Deadline passed during the TLS handshake");
      return;
    case State::kDialogue:
      Fail(FailureReason::kTimeout, "Deadline passed waiting for the server",
           "query_response step " + std::to_string(step_));
      return;
  }
}

void TcpProbeRun::Advance() {
  while (!finished_) {
    Progress progress = Progress::kFailed;
    switch (state_) {
      case State::kResolving:
        return;  // not socket-driven
      case State::kConnecting:
        progress = AdvanceConnect();
        break;
      case State::kHandshaking:
        progress = AdvanceHandshake();
        break;
      case State::kDialogue:
        progress = AdvanceDialogue();
        break;
    }
    if (progress != Progress::kAdvanced) return;
  }
}

TcpProbeRun::Progress TcpProbeRun::AdvanceConnect() {
  std::string error;
  if (stream_->ConnectResult(&error) != IoStatus::kDone) {
    Fail(FailureReason::kNetwork, "Error dialing TCP", error);
    return Progress::kFailed;
  }
  result_.log.Info("Successfully dialed");
  if (config_.tls) return StartTls();
  EnterPhase(Phase::kExchange);
  state_ = State::kDialogue;
  return Progress::kAdvanced;
}

bool TcpProbeRun::BeginTls() {
  const std::string& name =
      config_.tls_config.server_name.empty() ? host_ : config_.tls_config.server_name;
  std::string error;
  SslPtr ssl = NewTlsClientSession(config_.tls_config, name, stream_->fd(), &tls_facts_, &error);
  if (!ssl) {
    Fail(FailureReason::kTls, "Error creating TLS configuration", error);
    return false;
  }
  EnterPhase(Phase::kTls);
  stream_->StartTls(std::move(ssl));
  state_ = State::kHandshaking;
  return true;
}

TcpProbeRun::Progress TcpProbeRun::StartTls() {
  if (config_.tls_config.ca_file.empty() && config_.tls_config.ca.empty() &&
      !SystemTrustStoreReady())
    return AwaitTrustStore();
  return BeginTls() ? Progress::kAdvanced : Progress::kFailed;
}

TcpProbeRun::Progress TcpProbeRun::AwaitTrustStore() {
  // The wait counts as the TLS phase: the deadline ends it as a timeout.
  EnterPhase(Phase::kTls);
  state_ = State::kHandshaking;
  owner_->loop_->UnwatchFd(stream_->fd());
  trust_timer_ = owner_->loop_->AddTimer(Clock::now() + std::chrono::milliseconds(5), [this] {
    trust_timer_ = 0;
    if (!SystemTrustStoreReady()) {
      AwaitTrustStore();
      return;
    }
    if (BeginTls()) Advance();
    ReleaseIfFinished();
  });
  return Progress::kWaiting;
}

TcpProbeRun::Progress TcpProbeRun::AdvanceHandshake() {
  std::string error;
  const IoStatus status = stream_->Handshake(&error);
  if (status != IoStatus::kDone) return OnStatus(status, error, "TLS Handshake (client) failed");
  result_.log.Info(
      "TLS Handshake (client) succeeded",
      {{"version", tls_facts_.version}, {"verified", tls_facts_.verified ? "true" : "false"}});
  EnterPhase(Phase::kExchange);
  state_ = State::kDialogue;
  return Progress::kAdvanced;
}

TcpProbeRun::Progress TcpProbeRun::AdvanceDialogue() {
  const std::vector<QueryResponse>& steps = config_.query_response;
  while (step_ < steps.size()) {
    const QueryResponse& step = steps[step_];
    if (part_ == StepPart::kExpect) {
      if (step.expect) {
        const Progress progress = Expect(step);
        if (progress != Progress::kAdvanced) return progress;
      } else if (!step.expect_bytes.empty()) {
        const Progress progress = ExpectBytes(step);
        if (progress != Progress::kAdvanced) return progress;
      } else {
        pending_send_ = step.send;  // blackbox expands only after an expect
      }
      if (!pending_send_.empty()) {
        result_.log.Debug("Sending line", {{"line", pending_send_}});
        pending_send_.push_back('\n');
      }
      part_ = StepPart::kSend;
    }
    if (part_ == StepPart::kSend) {
      const Progress progress = Send();
      if (progress != Progress::kAdvanced) return progress;
    }
    ++step_;
    part_ = StepPart::kExpect;
    if (step.starttls) {
      // Bytes that arrived before the upgrade must not count as TLS data.
      reader_.Clear();
      return StartTls();
    }
  }
  result_.success = true;
  Finish();
  return Progress::kAdvanced;
}

TcpProbeRun::Progress TcpProbeRun::Expect(const QueryResponse& step) {
  const RE2& re = *step.expect->re;
  for (;;) {
    std::string line;
    const LineReader::Next next = reader_.NextLine(&line);
    if (next == LineReader::Next::kTooLong) {
      Fail(FailureReason::kProtocol, "Error reading from connection",
           "line longer than " + std::to_string(LineReader::kMaxLineBytes) + " bytes");
      return Progress::kFailed;
    }
    bool have_line = next == LineReader::Next::kLine;
    if (!have_line && eof_) have_line = reader_.TakeRest(&line);
    if (have_line) {
      result_.log.Debug("Read line", {{"line", line}});
      std::vector<std::string_view> groups;
      if (!MatchLine(re, line, &groups)) continue;
      result_.log.Info("Regexp matched", {{"regexp", step.expect->pattern}, {"line", line}});
      failed_due_to_regex_ = false;
      pending_send_ = ExpandCaptures(step.send, re, groups);
      if (!step.labels.empty()) {
        LabelPairs labels;
        for (const auto& [name, value] : step.labels) {
          labels.emplace_back(name, ExpandCaptures(value, re, groups));
        }
        expect_info_.push_back(std::move(labels));
      }
      return Progress::kAdvanced;
    }
    if (eof_) {
      failed_due_to_regex_ = received_bytes_ > 0;
      return NoMatch("Regexp did not match", step.expect->pattern);
    }
    const Progress progress = ReadMore();
    if (progress != Progress::kAdvanced) return progress;
  }
}

TcpProbeRun::Progress TcpProbeRun::ExpectBytes(const QueryResponse& step) {
  for (;;) {
    std::string got;
    if (reader_.TakeBytes(step.expect_bytes.size(), &got)) {
      if (got != step.expect_bytes) {
        failed_due_to_bytes_ = true;
        Fail(FailureReason::kContent, "Received bytes did not match expect_bytes");
        return Progress::kFailed;
      }
      result_.log.Info("Expected bytes received");
      pending_send_ = step.send;
      return Progress::kAdvanced;
    }
    if (eof_) {
      failed_due_to_bytes_ = received_bytes_ > 0;
      return NoMatch("Connection closed before expect_bytes arrived", "");
    }
    const Progress progress = ReadMore();
    if (progress != Progress::kAdvanced) return progress;
  }
}

TcpProbeRun::Progress TcpProbeRun::NoMatch(std::string_view message, const std::string& regexp) {
  if (received_bytes_ == 0) {
    // A server that hangs up without a word is broken, not saying the
    // wrong thing.
    Fail(FailureReason::kProtocol, "Connection closed before the server sent anything");
  } else {
    Fail(FailureReason::kContent, message, regexp.empty() ? "" : "regexp " + regexp);
  }
  return Progress::kFailed;
}

TcpProbeRun::Progress TcpProbeRun::ReadMore() {
  if (received_bytes_ >= kMaxReceivedBytes) {
    Fail(FailureReason::kProtocol, "Error reading from connection",
         "server sent more than " + std::to_string(kMaxReceivedBytes) + " bytes");
    return Progress::kFailed;
  }
  std::string chunk;
  std::string error;
  const size_t max = std::min(kReadChunkBytes, kMaxReceivedBytes - received_bytes_);
  const IoStatus status = stream_->Read(max, &chunk, &error);
  if (status == IoStatus::kDone) {
    received_bytes_ += chunk.size();
    reader_.Append(chunk);
    return Progress::kAdvanced;
  }
  if (status == IoStatus::kEof) {
    eof_ = true;
    return Progress::kAdvanced;
  }
  return OnStatus(status, error, "Error reading from connection");
}

TcpProbeRun::Progress TcpProbeRun::Send() {
  while (!pending_send_.empty()) {
    std::string error;
    const IoStatus status = stream_->Write(&pending_send_, &error);
    if (status != IoStatus::kDone) return OnStatus(status, error, "Failed to send");
  }
  return Progress::kAdvanced;
}

TcpProbeRun::Progress TcpProbeRun::OnStatus(IoStatus status, const std::string& error,
                                            std::string_view message) {
  switch (status) {
    case IoStatus::kWantRead:
    case IoStatus::kWantWrite:
      WaitFor(status);
      return Progress::kWaiting;
    case IoStatus::kTlsError:
      Fail(FailureReason::kTls, message, error);
      return Progress::kFailed;
    default:
      // A handshake the peer breaks off is a TLS failure; later, the network's.
      Fail(state_ == State::kHandshaking ? FailureReason::kTls : FailureReason::kNetwork, message,
           status == IoStatus::kEof ? "connection closed by peer" : error);
      return Progress::kFailed;
  }
}

void TcpProbeRun::WaitFor(IoStatus status) {
  const uint32_t events = status == IoStatus::kWantRead ? EPOLLIN : EPOLLOUT;
  owner_->loop_->WatchFd(stream_->fd(), events, [this](uint32_t) {
    Advance();
    ReleaseIfFinished();
  });
}

void TcpProbeRun::EnterPhase(Phase phase) {
  const auto now = Clock::now();
  if (phase_ != Phase::kNone) {
    phase_seconds_[static_cast<int>(phase_)] +=
        std::chrono::duration<double>(now - phase_start_).count();
  }
  phase_ = phase;
  phase_start_ = now;
}

void TcpProbeRun::Fail(FailureReason reason, std::string_view message, const std::string& error) {
  result_.Fail(reason, message, error);
  Finish();
}

void TcpProbeRun::Finish() {
  if (finished_) return;
  finished_ = true;
  EnterPhase(Phase::kNone);
  if (deadline_timer_ != 0) owner_->loop_->CancelTimer(deadline_timer_);
  deadline_timer_ = 0;
  if (trust_timer_ != 0) owner_->loop_->CancelTimer(trust_timer_);
  trust_timer_ = 0;
  lookup_.Stop();
  if (stream_) {
    owner_->loop_->UnwatchFd(stream_->fd());
    stream_.reset();
  }

  ProbeResult& r = result_;
  phase_seconds_[static_cast<int>(Phase::kResolve)] = lookup_.seconds();
  lookup_.AddSamples(&r);
  for (size_t i = 0; i < std::size(kPhaseNames); ++i) {
    r.Add(metric::kTcpDuration, {{"phase", std::string(kPhaseNames[i])}}, phase_seconds_[i]);
    r.phases.push_back(PhaseTiming{kPhaseNames[i], phase_seconds_[i]});
  }
  r.Add(metric::kFailedDueToRegex, failed_due_to_regex_ ? 1 : 0);
  const bool uses_bytes =
      std::any_of(config_.query_response.begin(), config_.query_response.end(),
                  [](const QueryResponse& qr) { return !qr.expect_bytes.empty(); });
  if (uses_bytes) r.Add(metric::kFailedDueToBytes, failed_due_to_bytes_ ? 1 : 0);
  for (LabelPairs& labels : expect_info_) r.Add(metric::kExpectInfo, std::move(labels), 1);
  AddTlsSamples(tls_facts_, &r);

  ProbeCallback done = std::move(done_);
  done(std::move(result_));
}

void TcpProbeRun::ReleaseIfFinished() {
  if (finished_) owner_->Release(this);
}

}  // namespace outage
