#include "collectors/dns/ares_channel.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/epoll.h>

#include <algorithm>
#include <utility>

namespace outage::dns {
namespace {

using Clock = EventLoop::Clock;

// c-ares calls back with a void*; these own the std::function until then.
void OnSendDone(void* arg, int status, int, unsigned char* abuf, int alen) noexcept {
  std::unique_ptr<AresChannel::SendCallback> done(static_cast<AresChannel::SendCallback*>(arg));
  // During ares_destroy the owner is going away: nobody to tell.
  if (status == ARES_EDESTRUCTION) return;
  std::vector<uint8_t> answer;
  if (status == ARES_SUCCESS && abuf != nullptr && alen > 0) answer.assign(abuf, abuf + alen);
  (*done)(status, answer);
}

}  // namespace

std::unique_ptr<AresChannel> AresChannel::Create(EventLoop* loop, const AresChannelOptions& options,
                                                 std::string* error) {
  std::unique_ptr<AresChannel> self(new AresChannel(loop));
  char lookups[] = "b";  // outlives ares_init_options, which copies it
  ares_options opts{};
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS;
  opts.sock_state_cb = &AresChannel::OnSocketState;
  opts.sock_state_cb_data = self.get();
  // Truncated UDP answers are retried over TCP (no ARES_FLAG_IGNTC), as a
  // real resolver does. RD is set in our own query bytes, not by a flag.
  opts.flags = (options.use_tcp ? ARES_FLAG_USEVC : 0) |
               (options.no_check_response ? ARES_FLAG_NOCHECKRESP : 0);
  if (options.timeout.count() > 0) {
    mask |= ARES_OPT_TIMEOUTMS;
    opts.timeout = static_cast<int>(options.timeout.count());
  }
  if (options.tries > 0) {
    mask |= ARES_OPT_TRIES;
    opts.tries = options.tries;
  }
  if (!options.servers_csv.empty()) {
    // c-ares reads resolv.conf (and nsswitch.conf, host.conf) unless every
    // setting it would take from them is given: with timeout and tries,
    // these are the rest (the server is set below). Search domains, ndots
    // and lookup order do not apply to a raw query sent to one server.
    opts.nservers = 0;
    opts.ndomains = 0;
    opts.nsort = 0;
    opts.ndots = 1;
    opts.lookups = lookups;  // "b": DNS only
    mask |=
        ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_SORTLIST | ARES_OPT_NDOTS | ARES_OPT_LOOKUPS;
  }
  int rc = ares_init_options(&self->channel_, &opts, mask);
  if (rc != ARES_SUCCESS) {
    *error = std::string("c-ares initialisation failed: ") + ares_strerror(rc);
    self->channel_ = nullptr;
    return nullptr;
  }
  if (!options.servers_csv.empty()) {
    rc = ares_set_servers_ports_csv(self->channel_, options.servers_csv.c_str());
    if (rc != ARES_SUCCESS) {
      *error = "invalid DNS server \"" + options.servers_csv + "\": " + ares_strerror(rc);
      return nullptr;
    }
  }
  if (!options.source_ip.empty()) {
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, options.source_ip.c_str(), &v4) == 1) {
      ares_set_local_ip4(self->channel_, ntohl(v4.s_addr));
    } else if (inet_pton(AF_INET6, options.source_ip.c_str(), &v6) == 1) {
      ares_set_local_ip6(self->channel_, v6.s6_addr);
    } else {
      *error = "invalid source_ip_address \"" + options.source_ip + "\"";
      return nullptr;
    }
  }
  return self;
}

AresChannel::~AresChannel() {
  if (channel_ != nullptr) ares_destroy(channel_);  // closes sockets: unwatches them
  for (const ares_socket_t fd : watched_) loop_->UnwatchFd(fd);
  if (timer_ != 0) loop_->CancelTimer(timer_);
}

void AresChannel::Send(const std::vector<uint8_t>& query, SendCallback done) {
  ares_send(channel_, query.data(), static_cast<int>(query.size()), &OnSendDone,
            new SendCallback(std::move(done)));
  ScheduleTimer();
}

void AresChannel::Cancel() {
  ares_cancel(channel_);
  ScheduleTimer();
}

void AresChannel::OnSocketState(void* data, ares_socket_t fd, int readable, int writable) noexcept {
  auto* self = static_cast<AresChannel*>(data);
  auto watched = std::find(self->watched_.begin(), self->watched_.end(), fd);
  if (!readable && !writable) {
    self->loop_->UnwatchFd(fd);
    self->connecting_.erase(fd);
    if (watched != self->watched_.end()) self->watched_.erase(watched);
    return;
  }
  if (watched == self->watched_.end()) {
    self->watched_.push_back(fd);
    // A new socket that wants to write is a TCP connect in progress.
    if (writable) self->connecting_.emplace(fd, Clock::now());
  }
  const uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  self->loop_->WatchFd(fd, events, [self, fd](uint32_t ev) { self->OnSocketEvent(fd, ev); });
}

void AresChannel::OnSocketEvent(ares_socket_t fd, uint32_t events) {
  if (events & EPOLLOUT) {
    auto it = connecting_.find(fd);
    if (it != connecting_.end()) {
      connect_seconds_ += std::chrono::duration<double>(Clock::now() - it->second).count();
      connecting_.erase(it);
    }
  }
  // Errors and hang-ups are reported through a read, where c-ares sees them.
  const bool readable = events & (EPOLLIN | EPOLLERR | EPOLLHUP);
  ares_process_fd(channel_, readable ? fd : ARES_SOCKET_BAD,
                  (events & EPOLLOUT) ? fd : ARES_SOCKET_BAD);
  ScheduleTimer();
}

void AresChannel::ScheduleTimer() {
  if (timer_ != 0) {
    loop_->CancelTimer(timer_);
    timer_ = 0;
  }
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;  // nothing pending
  const auto wait = std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  timer_ = loop_->AddTimer(Clock::now() + wait, [this] {
    timer_ = 0;
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    ScheduleTimer();
  });
}

}  // namespace outage::dns
