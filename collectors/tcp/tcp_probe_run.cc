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
#include "collectors/source_address.h"
#include "collectors/tcp/host_port.h"
#include "collectors/unix/unix_socket_path.h"

namespace outage {
namespace {

// Indexed by Phase; probe_tcp_duration_seconds has the first four.
constexpr std::string_view kPhaseNames[] = {"resolve", "connect", "tls", "exchange", "upgrade"};
constexpr size_t kTcpPhases = 4;
// The longest websocket upgrade answer read, in lines.
constexpr size_t kMaxHeadLines = 100;

}  // namespace

TcpProbeRun::Settings TcpProbeRun::SettingsFor(StreamTransport transport, const Module& module) {
  static const std::string kNone;
  switch (transport) {
    case StreamTransport::kUnix: {
      const UnixProbe& unix_socket = module.unix_socket;
      return {unix_socket.query_response, unix_socket.tls, unix_socket.tls_config, kNone};
    }
    case StreamTransport::kWebsocket: {
      // wss:// decides TLS, when the target is parsed.
      const WebsocketProbe& ws = module.websocket;
      return {ws.query_response, false, ws.tls_config, kNone};
    }
    case StreamTransport::kTcp:
      break;
  }
  const TcpProbe& tcp = module.tcp;
  return {tcp.query_response, tcp.tls, tcp.tls_config, tcp.source_ip_address};
}

TcpProbeRun::TcpProbeRun(const ProbeContext& context, StreamTransport transport,
                         ProbeRequest request, ProbeCallback done)
    : ProbeRun(context, std::move(request), std::move(done)),
      transport_(transport),
      config_(SettingsFor(transport, module())) {}

TcpProbeRun::~TcpProbeRun() { Stop(); }

void TcpProbeRun::Start() {
  if (transport_ == StreamTransport::kUnix) {
    ConnectUnix();
  } else {
    StartLookup();
  }
}

void TcpProbeRun::StartLookup() {
  AddressChoice choice = ChoiceOf(module().tcp);
  if (transport_ == StreamTransport::kWebsocket) {
    ws_.url = ParseWebsocketUrl(request().target);
    if (!TargetParsed(ws_.url.error, "Could not parse target URL")) return;
    target_ = HostPort{ws_.url.host, ws_.url.port, ""};
    config_.tls = ws_.url.tls;
    choice = ChoiceOf(module().websocket);
  } else {
    target_ = SplitHostPort(request().target);
    if (!TargetParsed(target_.error, "Error splitting target address and port")) return;
  }
  LookUp(target_.host, choice, [this](const ResolvedAddress& address) { Connect(address); });
}

void TcpProbeRun::ConnectUnix() {
  EnterPhase(Phase::kConnect);
  state_ = State::kConnecting;
  const std::string& path = request().target;
  if (!HostAllowed(policy(), path, &result())) {
    Finish();
    return;
  }
  // Say what is wrong with the path rather than what connect(2) makes of it.
  if (const std::string problem = UnixSocketProblem(path); !problem.empty()) {
    Fail(FailureReason::kNetwork, "Error dialing unix", problem);
    return;
  }
  sockaddr_un address;
  const socklen_t length = UnixAddress(path, &address);
  if (OpenSocket(AF_UNIX)) Dial(reinterpret_cast<const sockaddr*>(&address), length, "unix");
}

bool TcpProbeRun::OpenSocket(int family) {
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    Fail(FailureReason::kNetwork, "Error creating socket", std::strerror(errno));
    return false;
  }
  stream_ = std::make_unique<TcpStream>(fd);
  return true;
}

void TcpProbeRun::Dial(const sockaddr* address, socklen_t length, std::string_view what) {
  const std::string name(what);
  result().log.Info("Dialing " + name + (config_.tls ? " with TLS" : " without TLS"));
  if (connect(stream_->fd(), address, length) != 0 && errno != EINPROGRESS) {
    std::string error = std::strerror(errno);
    // A unix socket the exporter's user may not open says so, not just EACCES.
    if (errno == EACCES || errno == EPERM) error = "permission denied: " + error;
    // EAGAIN: a unix socket's listen backlog is full.
    Fail(FailureReason::kNetwork, "Error dialing " + name, error);
    return;
  }
  // Done or in progress alike: writability reports the outcome.
  WaitFor(IoStatus::kWantWrite);
}

void TcpProbeRun::Connect(const ResolvedAddress& address) {
  EnterPhase(Phase::kConnect);
  state_ = State::kConnecting;
  if (!OpenSocket(address.family())) return;
  const int fd = stream_->fd();
  // Each send is one whole line: no point in Nagle delaying the next one.
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!config_.source_ip_address.empty()) {
    if (std::optional<std::string> problem =
            BindSourceAddress(fd, address.family(), config_.source_ip_address)) {
      Fail(FailureReason::kNetwork, "Error binding source address", *problem);
      return;
    }
    result().log.Info("Using local address", {{"srcIP", config_.source_ip_address}});
  }
  sockaddr_storage remote = address.addr;
  if (address.family() == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&remote)->sin_port = htons(static_cast<uint16_t>(target_.port));
  } else {
    reinterpret_cast<sockaddr_in6*>(&remote)->sin6_port =
        htons(static_cast<uint16_t>(target_.port));
  }
  Dial(reinterpret_cast<const sockaddr*>(&remote), address.addr_len, "TCP");
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
    case State::kUpgrading:
      Fail(FailureReason::kTimeout, "Deadline passed waiting for the websocket upgrade");
      return;
    case State::kDialogue:
      Fail(FailureReason::kTimeout, "Deadline passed waiting for the server",
           "query_response step " + std::to_string(step_));
      return;
  }
}

void TcpProbeRun::Advance() {
  while (!finished()) {
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
      case State::kUpgrading:
        progress = AdvanceUpgrade();
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
    Fail(FailureReason::kNetwork,
         transport_ == StreamTransport::kUnix ? "Error dialing unix" : "Error dialing TCP", error);
    return Progress::kFailed;
  }
  result().log.Info("Successfully dialed");
  if (config_.tls) return StartTls();
  return EnterDialogue();
}

TcpProbeRun::Progress TcpProbeRun::EnterDialogue() {
  if (transport_ == StreamTransport::kWebsocket && !ws_.upgraded) {
    EnterPhase(Phase::kUpgrade);
    state_ = State::kUpgrading;
    ws_.key = NewWebsocketKey();
    pending_send_ = UpgradeRequest(ws_.url, request().module->websocket, ws_.key);
    result().log.Debug("Sending websocket upgrade request", {{"resource", ws_.url.resource}});
    return Progress::kAdvanced;
  }
  EnterPhase(Phase::kExchange);
  state_ = State::kDialogue;
  return Progress::kAdvanced;
}

TcpProbeRun::Progress TcpProbeRun::AdvanceUpgrade() {
  if (const Progress sent = Send(); sent != Progress::kAdvanced) return sent;
  for (;;) {
    std::string line;
    const LineReader::Next next = reader_.NextLine(&line);
    if (next == LineReader::Next::kTooLong || ws_.head.size() >= kMaxHeadLines) {
      Fail(FailureReason::kProtocol, "Error reading the websocket upgrade answer",
           "the answer's head is too long");
      return Progress::kFailed;
    }
    if (next == LineReader::Next::kLine && !line.empty()) {
      ws_.head.push_back(std::move(line));
      continue;
    }
    if (next == LineReader::Next::kLine) break;  // the blank line ends the head
    if (eof_) {
      Fail(FailureReason::kProtocol, "Connection closed before the websocket upgrade answer");
      return Progress::kFailed;
    }
    if (const Progress progress = ReadMore(); progress != Progress::kAdvanced) return progress;
  }
  const UpgradeAnswer answer = CheckUpgradeAnswer(ws_.head, ws_.key);
  ws_.status = answer.status;
  if (!answer.error.empty()) {
    Fail(FailureReason::kProtocol, "Websocket upgrade failed", answer.error);
    return Progress::kFailed;
  }
  ws_.upgraded = true;
  result().log.Info("Websocket connection upgraded");
  // Frames the server sent right behind its answer are the first messages.
  std::string rest;
  reader_.TakeBytes(reader_.buffered(), &rest);
  ws_.reader.Append(rest);
  return EnterDialogue();
}

bool TcpProbeRun::BeginTls() {
  const std::string& name =
      config_.tls_config.server_name.empty() ? target_.host : config_.tls_config.server_name;
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
  loop()->UnwatchFd(stream_->fd());
  trust_timer_ = loop()->AddTimer(Clock::now() + std::chrono::milliseconds(5), [this] {
    trust_timer_ = 0;
    if (!SystemTrustStoreReady()) {
      AwaitTrustStore();
      return;
    }
    if (BeginTls()) Advance();
  });
  return Progress::kWaiting;
}

TcpProbeRun::Progress TcpProbeRun::AdvanceHandshake() {
  std::string error;
  const IoStatus status = stream_->Handshake(&error);
  if (status != IoStatus::kDone) return OnStatus(status, error, "TLS Handshake (client) failed");
  result().log.Info(
      "TLS Handshake (client) succeeded",
      {{"version", tls_facts_.version}, {"verified", tls_facts_.verified ? "true" : "false"}});
  return EnterDialogue();
}

TcpProbeRun::Progress TcpProbeRun::AdvanceDialogue() {
  const std::vector<QueryResponse>& steps = config_.query_response;
  while (step_ < steps.size()) {
    const QueryResponse& step = steps[step_];
    if (part_ == StepPart::kExpect) {
      if (step.expect) {
        const Progress progress =
            transport_ == StreamTransport::kWebsocket ? ExpectMessage(step) : Expect(step);
        if (progress != Progress::kAdvanced) return progress;
      } else if (!step.expect_bytes.empty()) {
        const Progress progress = ExpectBytes(step);
        if (progress != Progress::kAdvanced) return progress;
      } else {
        pending_send_ = step.send;  // blackbox expands only after an expect
      }
      if (!pending_send_.empty() && transport_ == StreamTransport::kWebsocket) {
        result().log.Debug("Sending message", {{"message", pending_send_}});
        pending_send_ = EncodeClientFrame(WsOpcode::kText, pending_send_, RandomMask());
      } else if (!pending_send_.empty()) {
        result().log.Debug("Sending line", {{"line", pending_send_}});
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
  result().success = true;
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
      result().log.Debug("Read line", {{"line", line}});
      std::vector<std::string_view> groups;
      if (!MatchLine(re, line, &groups)) continue;
      Matched(step, line, groups);
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

void TcpProbeRun::Matched(const QueryResponse& step, const std::string& text,
                          const std::vector<std::string_view>& groups) {
  const RE2& re = *step.expect->re;
  result().log.Info("Regexp matched", {{"regexp", step.expect->pattern}, {"line", text}});
  failed_due_to_regex_ = false;
  pending_send_ = ExpandCaptures(step.send, re, groups);
  if (!step.labels.empty()) {
    LabelPairs labels;
    for (const auto& [name, value] : step.labels) {
      labels.emplace_back(name, ExpandCaptures(value, re, groups));
    }
    expect_info_.push_back(std::move(labels));
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
      result().log.Info("Expected bytes received");
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

TcpProbeRun::Progress TcpProbeRun::ExpectMessage(const QueryResponse& step) {
  const RE2& re = *step.expect->re;
  // The server hung up instead of sending the step's message: broken if it
  // never sent one, the wrong answer if it had been talking.
  const auto closed = [this, &step] {
    if (ws_.messages == 0) {
      Fail(FailureReason::kProtocol, "Connection closed before the server sent a message");
    } else {
      Fail(FailureReason::kContent, "Connection closed before a message matched",
           "regexp " + step.expect->pattern);
    }
    return Progress::kFailed;
  };
  for (;;) {
    // Bytes read since the last look belong to the frame stream.
    std::string bytes;
    reader_.TakeBytes(reader_.buffered(), &bytes);
    ws_.reader.Append(bytes);
    std::string frame;
    switch (ws_.reader.NextFrame(&frame)) {
      case WebsocketReader::Next::kMessage: {
        ++ws_.messages;
        result().log.Debug("Read message", {{"message", frame}});
        std::vector<std::string_view> groups;
        if (!MatchLine(re, frame, &groups)) {
          failed_due_to_regex_ = true;
          Fail(FailureReason::kContent, "Regexp did not match", "regexp " + step.expect->pattern);
          return Progress::kFailed;
        }
        Matched(step, frame, groups);
        return Progress::kAdvanced;
      }
      case WebsocketReader::Next::kPing: {
        // Answered at once, best effort: a pong that must wait goes out
        // ahead of the next message (Send).
        ws_.pong += EncodeClientFrame(WsOpcode::kPong, frame, RandomMask());
        std::string error;
        stream_->Write(&ws_.pong, &error);
        continue;
      }
      case WebsocketReader::Next::kClose:
        result().log.Info("Server closed the websocket", {{"status", frame}});
        return closed();
      case WebsocketReader::Next::kError:
        Fail(FailureReason::kProtocol, "Invalid websocket frame", frame);
        return Progress::kFailed;
      case WebsocketReader::Next::kNeedMore:
        break;
    }
    if (eof_) return closed();
    if (const Progress progress = ReadMore(); progress != Progress::kAdvanced) return progress;
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
  if (!ws_.pong.empty()) pending_send_.insert(0, ws_.pong);
  ws_.pong.clear();
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
  loop()->WatchFd(stream_->fd(), events, [this](uint32_t) { Advance(); });
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

void TcpProbeRun::Stop() {
  if (trust_timer_ != 0) loop()->CancelTimer(trust_timer_);
  trust_timer_ = 0;
  if (stream_) {
    if (ws_.upgraded && result().success) {
      // A polite close (1000, normal closure), best effort: the probe is over.
      std::string close =
          EncodeClientFrame(WsOpcode::kClose, std::string("\x03\xe8", 2), RandomMask());
      std::string error;
      stream_->Write(&close, &error);
    }
    loop()->UnwatchFd(stream_->fd());
    stream_.reset();
  }
}

void TcpProbeRun::Report(ProbeResult* result) {
  ProbeResult& r = *result;
  EnterPhase(Phase::kNone);
  if (transport_ == StreamTransport::kWebsocket) {
    ReportWebsocket(&r);
  } else if (transport_ == StreamTransport::kUnix) {
    for (const Phase phase : {Phase::kConnect, Phase::kTls, Phase::kExchange}) {
      const auto i = static_cast<size_t>(phase);
      r.phases.push_back(PhaseTiming{kPhaseNames[i], phase_seconds_[i]});
    }
  } else {
    phase_seconds_[static_cast<int>(Phase::kResolve)] = lookup().seconds();
    lookup().AddSamples(&r);
    for (size_t i = 0; i < kTcpPhases; ++i) {
      r.Add(metric::kTcpDuration, {{"phase", std::string(kPhaseNames[i])}}, phase_seconds_[i]);
      r.phases.push_back(PhaseTiming{kPhaseNames[i], phase_seconds_[i]});
    }
  }
  if (transport_ != StreamTransport::kWebsocket) {
    r.Add(metric::kFailedDueToRegex, failed_due_to_regex_ ? 1 : 0);
  }
  const bool uses_bytes =
      std::any_of(config_.query_response.begin(), config_.query_response.end(),
                  [](const QueryResponse& qr) { return !qr.expect_bytes.empty(); });
  if (uses_bytes) r.Add(metric::kFailedDueToBytes, failed_due_to_bytes_ ? 1 : 0);
  for (LabelPairs& labels : expect_info_) r.Add(metric::kExpectInfo, std::move(labels), 1);
  AddTlsSamples(tls_facts_, &r);
}

void TcpProbeRun::ReportWebsocket(ProbeResult* result) {
  ProbeResult& r = *result;
  phase_seconds_[static_cast<int>(Phase::kResolve)] = lookup().seconds();
  lookup().AddSamples(&r);
  for (const Phase phase :
       {Phase::kResolve, Phase::kConnect, Phase::kTls, Phase::kUpgrade, Phase::kExchange}) {
    const auto i = static_cast<size_t>(phase);
    r.phases.push_back(PhaseTiming{kPhaseNames[i], phase_seconds_[i]});
  }
  if (ws_.status != 0) r.Add(metric::kWebsocketStatusCode, ws_.status);
  r.Add(metric::kWebsocketUpgraded, ws_.upgraded ? 1 : 0);
  if (!config_.query_response.empty()) {
    r.Add(metric::kWebsocketFailedDueToRegex, failed_due_to_regex_ ? 1 : 0);
  }
}

}  // namespace outage
