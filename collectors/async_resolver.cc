#include "collectors/async_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

namespace outage {
namespace {

using Clock = EventLoop::Clock;

// AresLibraryMutex serialises ares_library_init/cleanup, which are not
// thread-safe: resolvers are made on the probe loop and on the threads that
// fetch status pages (ResolveOnThisThread).
std::mutex& AresLibraryMutex() {
  static std::mutex mu;
  return mu;
}

// Tag is what c-ares carries for one query: it may outlive the request (a
// cancelled or timed-out request's query runs to its own end).
struct Tag {
  std::weak_ptr<AsyncResolver*> resolver;
  AsyncResolver::RequestId id;
};

ResolvedAddress FromSockaddr(const sockaddr* sa) {
  ResolvedAddress out;
  char text[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    out.addr_len = sizeof(sockaddr_in);
    std::memcpy(&out.addr, sa, out.addr_len);
    auto* in = reinterpret_cast<sockaddr_in*>(&out.addr);
    in->sin_port = 0;
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else {
    out.addr_len = sizeof(sockaddr_in6);
    std::memcpy(&out.addr, sa, out.addr_len);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
    in6->sin6_port = 0;
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  }
  out.text = text;
  return out;
}

// ParseLiteral recognises an IPv4 or IPv6 address literal.
bool ParseLiteral(const std::string& host, ResolvedAddress* out) {
  sockaddr_in in{};
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET, host.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    *out = FromSockaddr(reinterpret_cast<sockaddr*>(&in));
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    *out = FromSockaddr(reinterpret_cast<sockaddr*>(&in6));
    return true;
  }
  return false;
}

}  // namespace

std::string OrderByPreference(IpProtocol preferred, bool fallback,
                              std::vector<ResolvedAddress>* found) {
  const int want = preferred == IpProtocol::kIp6 ? AF_INET6 : AF_INET;
  std::stable_partition(found->begin(), found->end(),
                        [want](const ResolvedAddress& a) { return a.family() == want; });
  if (!fallback) {
    found->erase(std::remove_if(found->begin(), found->end(),
                                [want](const ResolvedAddress& a) { return a.family() != want; }),
                 found->end());
  }
  if (!found->empty()) return "";
  return std::string("no ") + (want == AF_INET6 ? "IPv6" : "IPv4") + " address" +
         (fallback ? "" : " and ip_protocol_fallback is false");
}

AsyncResolver::AsyncResolver(EventLoop* loop) : loop_(loop) {
  {
    // Reference-counted; pairs with ares_library_cleanup in the destructor.
    std::lock_guard<std::mutex> lock(AresLibraryMutex());
    ares_library_init(ARES_LIB_INIT_ALL);
  }
  ares_options options{};
  options.sock_state_cb = &AsyncResolver::OnSocketState;
  options.sock_state_cb_data = this;
  ares_channel channel = nullptr;
  const int rc = ares_init_options(&channel, &options, ARES_OPT_SOCK_STATE_CB);
  if (rc == ARES_SUCCESS) {
    channel_ = channel;
  } else {
    init_error_ = std::string("cannot start the resolver: ") + ares_strerror(rc);
  }
}

AsyncResolver::~AsyncResolver() {
  requests_.clear();
  if (ares_timer_ != 0) loop_->CancelTimer(ares_timer_);
  // Runs every outstanding query's callback with ARES_EDESTRUCTION (freeing
  // its Tag) and closes c-ares' sockets through OnSocketState.
  if (channel_ != nullptr) ares_destroy(channel_);
  std::lock_guard<std::mutex> lock(AresLibraryMutex());
  ares_library_cleanup();
}

AsyncResolver::RequestId AsyncResolver::Resolve(const std::string& host, IpProtocol preferred,
                                                bool fallback, Clock::time_point deadline,
                                                Callback done) {
  const RequestId id = next_id_++;
  Request& request = requests_[id];
  request.preferred = preferred;
  request.fallback = fallback;
  request.done = std::move(done);

  ResolvedAddress literal;
  if (ParseLiteral(host, &literal)) {
    DeliverLater(id, {literal}, "");
    return id;
  }
  if (channel_ == nullptr) {
    DeliverLater(id, {}, init_error_);
    return id;
  }
  request.deadline_timer = loop_->AddTimer(deadline, [this, id] {
    auto it = requests_.find(id);
    if (it != requests_.end()) it->second.deadline_timer = 0;
    ResolveResult result;
    result.error = "deadline passed while resolving";
    result.timed_out = true;
    Deliver(id, std::move(result));
  });
  ares_addrinfo_hints hints{};
  // Without fallback only the preferred family may be used: ask only for it.
  hints.ai_family = fallback ? AF_UNSPEC : (preferred == IpProtocol::kIp6 ? AF_INET6 : AF_INET);
  hints.ai_socktype = SOCK_STREAM;
  ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &AsyncResolver::OnAddrInfo,
                   new Tag{self_, id});
  RescheduleTimer();
  return id;
}

void AsyncResolver::Cancel(RequestId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  if (it->second.deadline_timer != 0) loop_->CancelTimer(it->second.deadline_timer);
  requests_.erase(it);
}

void AsyncResolver::OnAddrInfo(void* tag_arg, int status, int /*timeouts*/,
                               ares_addrinfo* result) noexcept {
  std::unique_ptr<Tag> tag(static_cast<Tag*>(tag_arg));
  std::vector<ResolvedAddress> found;
  if (result != nullptr) {
    for (ares_addrinfo_node* node = result->nodes; node != nullptr; node = node->ai_next) {
      if (node->ai_family == AF_INET || node->ai_family == AF_INET6) {
        found.push_back(FromSockaddr(node->ai_addr));
      }
    }
    ares_freeaddrinfo(result);
  }
  std::shared_ptr<AsyncResolver*> self = tag->resolver.lock();
  if (self == nullptr || status == ARES_EDESTRUCTION) return;
  std::string error;
  if (status != ARES_SUCCESS) error = ares_strerror(status);
  // Deliver from a posted task: c-ares may call back from inside
  // ares_getaddrinfo, and callers must never be re-entered from Resolve.
  (*self)->DeliverLater(tag->id, std::move(found), std::move(error));
}

void AsyncResolver::DeliverLater(RequestId id, std::vector<ResolvedAddress> found,
                                 std::string error) {
  std::weak_ptr<AsyncResolver*> weak = self_;
  loop_->Post([weak, id, found = std::move(found), error = std::move(error)]() mutable {
    std::shared_ptr<AsyncResolver*> self = weak.lock();
    if (self == nullptr) return;
    AsyncResolver* resolver = *self;
    auto it = resolver->requests_.find(id);
    if (it == resolver->requests_.end()) return;
    ResolveResult result;
    if (error.empty()) {
      error = OrderByPreference(it->second.preferred, it->second.fallback, &found);
    }
    if (error.empty()) {
      result.addresses = std::move(found);
    } else {
      result.error = std::move(error);
    }
    resolver->Deliver(id, std::move(result));
  });
}

void AsyncResolver::Deliver(RequestId id, ResolveResult result) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  if (it->second.deadline_timer != 0) loop_->CancelTimer(it->second.deadline_timer);
  Callback done = std::move(it->second.done);
  requests_.erase(it);
  done(std::move(result));
}

void AsyncResolver::OnSocketState(void* self_arg, int fd, int readable, int writable) noexcept {
  auto* self = static_cast<AsyncResolver*>(self_arg);
  if (!readable && !writable) {
    self->loop_->UnwatchFd(fd);
    return;
  }
  const uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  self->loop_->WatchFd(fd, events, [self, fd](uint32_t ev) { self->ProcessFd(fd, ev); });
}

void AsyncResolver::ProcessFd(int fd, uint32_t events) {
  const bool read = (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
  const bool write = (events & EPOLLOUT) != 0;
  ares_process_fd(channel_, read ? fd : ARES_SOCKET_BAD, write ? fd : ARES_SOCKET_BAD);
  RescheduleTimer();
}

void AsyncResolver::RescheduleTimer() {
  if (ares_timer_ != 0) {
    loop_->CancelTimer(ares_timer_);
    ares_timer_ = 0;
  }
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;
  const auto wait = std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  ares_timer_ = loop_->AddTimer(Clock::now() + wait, [this] {
    ares_timer_ = 0;
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    RescheduleTimer();
  });
}

std::vector<ResolveResult> ResolveOnThisThread(const std::vector<std::string>& hosts,
                                               IpProtocol preferred, bool fallback,
                                               Clock::time_point deadline) {
  std::vector<ResolveResult> results(hosts.size());
  if (hosts.empty()) return results;
  EventLoop loop;
  AsyncResolver resolver(&loop);  // destroyed before the loop it watches on
  size_t pending = hosts.size();
  for (size_t i = 0; i < hosts.size(); ++i) {
    // Every callback runs, by the deadline at the latest, from loop.Run().
    resolver.Resolve(hosts[i], preferred, fallback, deadline, [&, i](ResolveResult result) {
      results[i] = std::move(result);
      if (--pending == 0) loop.Stop();
    });
  }
  loop.Run();
  return results;
}

}  // namespace outage
