// See dot_query.h.
#include "collectors/dns/dot_query.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "collectors/source_address.h"

namespace outage::dns {
namespace {

constexpr size_t kReadChunkBytes = 4096;
constexpr auto kTrustStorePoll = std::chrono::milliseconds(5);

// ResolverAddress fills *out with ip:port; false when ip is no IP literal.
bool ResolverAddress(const std::string& ip, int port, sockaddr_storage* out, socklen_t* len) {
  *out = sockaddr_storage{};
  auto* in = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in);
    return true;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) != 1) return false;
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(static_cast<uint16_t>(port));
  *len = sizeof(sockaddr_in6);
  return true;
}

}  // namespace

DotQuery::DotQuery(EventLoop* loop, const TlsConfig& tls, std::string server_name)
    : loop_(loop), tls_(tls), server_name_(std::move(server_name)) {}

DotQuery::~DotQuery() {
  if (trust_timer_ != 0) loop_->CancelTimer(trust_timer_);
  if (stream_) loop_->UnwatchFd(stream_->fd());
}

void DotQuery::Start(const std::string& ip, int port, const std::string& source_ip,
                     std::vector<uint8_t> query, Callback done) {
  done_ = std::move(done);
  start_ = Clock::now();
  state_ = State::kConnecting;
  sockaddr_storage remote;
  socklen_t remote_len = 0;
  if (query.size() < 2 || query.size() > 0xffff ||
      !ResolverAddress(ip, port, &remote, &remote_len)) {
    End({false, FailureReason::kDns, "invalid query or resolver address " + ip, {}});
    return;
  }
  // A fresh id per query: the reply must echo it (c-ares does this for the
  // other transports).
  RAND_bytes(query.data(), 2);
  id_ = static_cast<uint16_t>(query[0] << 8 | query[1]);
  pending_send_.push_back(static_cast<char>(query.size() >> 8));
  pending_send_.push_back(static_cast<char>(query.size() & 0xff));
  pending_send_.append(query.begin(), query.end());

  const int fd = socket(remote.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    End({false, FailureReason::kNetwork, std::strerror(errno), {}});
    return;
  }
  stream_ = std::make_unique<TcpStream>(fd);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!source_ip.empty()) {
    if (std::optional<std::string> problem = BindSourceAddress(fd, remote.ss_family, source_ip)) {
      End({false, FailureReason::kNetwork, *problem, {}});
      return;
    }
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&remote), remote_len) != 0 && errno != EINPROGRESS) {
    End({false, FailureReason::kNetwork, std::strerror(errno), {}});
    return;
  }
  WaitFor(IoStatus::kWantWrite);  // writability reports the connect's outcome
}

void DotQuery::Cancel(const std::string& why) {
  if (state_ == State::kDone) return;
  // Not connected yet is the network's trouble; a resolver that accepted
  // and then stalls the handshake or the answer is too slow: timeout.
  const FailureReason reason =
      state_ == State::kConnecting ? FailureReason::kNetwork : FailureReason::kTimeout;
  End({false, reason, why, {}});
}

bool DotQuery::BeginTls() {
  std::string error;
  SslPtr ssl = NewTlsClientSession(tls_, server_name_, stream_->fd(), &tls_facts_, &error);
  if (!ssl) {
    End({false, FailureReason::kTls, "Error creating TLS configuration: " + error, {}});
    return false;
  }
  stream_->StartTls(std::move(ssl));
  state_ = State::kHandshaking;
  return true;
}

void DotQuery::Advance() {
  std::string error;
  while (state_ != State::kDone) {
    IoStatus status = IoStatus::kDone;
    switch (state_) {
      case State::kConnecting:
        if (stream_->ConnectResult(&error) != IoStatus::kDone) {
          End({false, FailureReason::kNetwork, error, {}});
          return;
        }
        // Without a CA of its own the session verifies against the system
        // bundle, which loads on a thread of its own: wait off the socket.
        if (tls_.ca_file.empty() && tls_.ca.empty() && !SystemTrustStoreReady()) {
          state_ = State::kAwaitingTrust;
          loop_->UnwatchFd(stream_->fd());
          trust_timer_ = loop_->AddTimer(Clock::now() + kTrustStorePoll, [this] {
            trust_timer_ = 0;
            state_ = State::kConnecting;
            Advance();
          });
          return;
        }
        if (!BeginTls()) return;
        break;
      case State::kAwaitingTrust:
        return;
      case State::kHandshaking:
        status = stream_->Handshake(&error);
        if (status == IoStatus::kDone) {
          connect_seconds_ = std::chrono::duration<double>(Clock::now() - start_).count();
          state_ = State::kSending;
        }
        break;
      case State::kSending:
        status = stream_->Write(&pending_send_, &error);
        if (status == IoStatus::kDone && pending_send_.empty()) state_ = State::kReading;
        break;
      case State::kReading: {
        const size_t wanted = received_.size() < 2 ? 2 - received_.size()
                                                   : 2 +
                                                         (static_cast<uint8_t>(received_[0]) << 8 |
                                                          static_cast<uint8_t>(received_[1])) -
                                                         received_.size();
        if (received_.size() >= 2 && wanted == 0) {
          std::vector<uint8_t> answer(received_.begin() + 2, received_.end());
          const uint16_t id = answer.size() >= 2 ? static_cast<uint16_t>(answer[0] << 8 | answer[1])
                                                 : static_cast<uint16_t>(~id_);
          if (id != id_) {
            End({false, FailureReason::kDns, "answer id does not match the query's", {}});
          } else {
            End({true, FailureReason::kNone, "", std::move(answer)});
          }
          return;
        }
        status = stream_->Read(std::min(wanted, kReadChunkBytes), &received_, &error);
        break;
      }
      case State::kDone:
        return;
    }
    if (status != IoStatus::kDone) {
      OnStatus(status, error);  // waits for the socket, or ends the query
      return;
    }
  }
}

void DotQuery::OnStatus(IoStatus status, const std::string& error) {
  switch (status) {
    case IoStatus::kWantRead:
    case IoStatus::kWantWrite:
      WaitFor(status);
      return;
    case IoStatus::kTlsError:
      End({false, FailureReason::kTls, error, {}});
      return;
    case IoStatus::kEof:
      End({false, FailureReason::kDns, "connection closed by the resolver", {}});
      return;
    default:
      End({false,
           state_ == State::kHandshaking ? FailureReason::kTls : FailureReason::kNetwork,
           error,
           {}});
      return;
  }
}

void DotQuery::WaitFor(IoStatus status) {
  const uint32_t events = status == IoStatus::kWantRead ? EPOLLIN : EPOLLOUT;
  loop_->WatchFd(stream_->fd(), events, [this](uint32_t) { Advance(); });
}

void DotQuery::End(const DotOutcome& outcome) {
  if (state_ == State::kDone && !done_) return;
  state_ = State::kDone;
  if (trust_timer_ != 0) loop_->CancelTimer(trust_timer_);
  trust_timer_ = 0;
  if (stream_) loop_->UnwatchFd(stream_->fd());
  if (connect_seconds_ == 0) {
    connect_seconds_ = std::chrono::duration<double>(Clock::now() - start_).count();
  }
  stream_.reset();
  Callback done = std::move(done_);
  done_ = nullptr;
  if (done) done(outcome);
}

}  // namespace outage::dns
