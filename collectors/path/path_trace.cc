// See path_trace.h.
#include "collectors/path/path_trace.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "config/ip_network.h"

namespace outage {

// Trace is one route being traced: a socket per TTL still waiting.
struct PathTracer::Trace {
  IpNetwork target;
  PathTrace config;
  Done done;
  Clock::time_point sent;
  EventLoop::TimerId timer = 0;
  std::map<int, int> sockets;  // ttl -> fd, the unanswered ones
  std::vector<PathHop> hops;
  int reached_ttl = 0;  // the lowest TTL the target itself answered; 0: none
  std::string error;
};

namespace {

// Traceroute's customary first port; TTL n goes to port base + n - 1, so an
// answer can also be told apart by its port.
constexpr uint16_t kBasePort = 33434;
// Addresses traced at most this often are remembered for rate limiting.
constexpr size_t kMaxRemembered = 1024;

std::string AnswerName(bool ipv6, uint8_t type, uint8_t code) {
  if (!ipv6) {
    if (type == 11) return "time exceeded";
    if (type == 3) {
      switch (code) {
        case 0:
          return "net unreachable";
        case 1:
          return "host unreachable";
        case 3:
          return "port unreachable";
        case 13:
          return "administratively prohibited";
        default:
          return "unreachable (code " + std::to_string(code) + ")";
      }
    }
  } else {
    if (type == 3) return "time exceeded";
    if (type == 1) {
      switch (code) {
        case 0:
          return "no route";
        case 1:
          return "administratively prohibited";
        case 3:
          return "address unreachable";
        case 4:
          return "port unreachable";
        default:
          return "unreachable (code " + std::to_string(code) + ")";
      }
    }
  }
  return "icmp type " + std::to_string(type) + " code " + std::to_string(code);
}

std::string AddressText(const sockaddr* sa) {
  char text[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  }
  return text;
}

bool SameAddress(const std::string& text, const IpNetwork& address) {
  IpNetwork parsed;
  return ParseIpAddress(text, &parsed) && parsed.ipv6 == address.ipv6 &&
         parsed.bytes == address.bytes;
}

// OpenHop opens the socket for one TTL and sends its datagram; -1 with
// *error when the kernel refuses (a missing route refuses every TTL alike).
int OpenHop(const IpNetwork& target, int ttl, std::string* error) {
  const int family = target.ipv6 ? AF_INET6 : AF_INET;
  const int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  const int on = 1;
  bool ok = false;
  sockaddr_storage to{};
  socklen_t to_len = 0;
  const auto port = htons(static_cast<uint16_t>(kBasePort + ttl - 1));
  if (target.ipv6) {
    ok = setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) == 0 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on) == 0;
    auto* sa = reinterpret_cast<sockaddr_in6*>(&to);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = port;
    std::memcpy(&sa->sin6_addr, target.bytes.data(), 16);
    to_len = sizeof(sockaddr_in6);
  } else {
    ok = setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0 &&
         setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on) == 0;
    auto* sa = reinterpret_cast<sockaddr_in*>(&to);
    sa->sin_family = AF_INET;
    sa->sin_port = port;
    std::memcpy(&sa->sin_addr, target.bytes.data(), 4);
    to_len = sizeof(sockaddr_in);
  }
  static constexpr char kPayload[] = "outage_exporter path";
  if (!ok || connect(fd, reinterpret_cast<sockaddr*>(&to), to_len) != 0 ||
      send(fd, kPayload, sizeof kPayload, 0) < 0) {
    *error = std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

// ReadAnswer reads what came back on one TTL's socket into *hop; false when
// nothing that names a hop did.
bool ReadAnswer(int fd, const IpNetwork& target, PathHop* hop) {
  char data[512];
  char control[512];
  sockaddr_storage from{};
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      const bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
      const bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
      if (!v4 && !v6) continue;
      const auto* ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
      if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6) continue;
      hop->address = AddressText(SO_EE_OFFENDER(ee));
      hop->answer = AnswerName(ee->ee_origin == SO_EE_ORIGIN_ICMP6, ee->ee_type, ee->ee_code);
      return !hop->address.empty();
    }
    return false;
  }
  // A service listening on the port answered the datagram itself.
  if (recv(fd, data, sizeof data, MSG_DONTWAIT) >= 0) {
    hop->address = target.text;
    hop->answer = "reply";
    return true;
  }
  return false;
}

}  // namespace

std::string_view PathSegmentName(PathSegment segment) {
  switch (segment) {
    case PathSegment::kNone:
      return "none";
    case PathSegment::kLocal:
      return "local";
    case PathSegment::kTransit:
      return "transit";
    case PathSegment::kDestination:
      return "destination";
  }
  return "local";
}

PathSegment ClassifyPath(const std::vector<PathHop>& hops, bool reached, const IpNetwork& target,
                         const PathTrace& config) {
  if (reached) return PathSegment::kNone;
  if (hops.empty()) return PathSegment::kLocal;
  IpNetwork last;
  if (ParseIpAddress(hops.back().address, &last)) {
    IpNetwork own = target;
    own.prefix_length = target.ipv6 ? config.destination_prefix_v6 : config.destination_prefix_v4;
    int bits = own.prefix_length;
    for (uint8_t& byte : own.bytes) {  // zero the host bits
      byte = bits >= 8 ? byte : static_cast<uint8_t>(bits <= 0 ? 0 : byte & (0xff << (8 - bits)));
      bits -= 8;
    }
    if (NetworkContains(own, last)) return PathSegment::kDestination;
  }
  const bool beyond_local = std::any_of(hops.begin(), hops.end(), [&](const PathHop& hop) {
    IpNetwork ip;
    if (!ParseIpAddress(hop.address, &ip)) return false;
    return std::none_of(config.local_networks.begin(), config.local_networks.end(),
                        [&](const IpNetwork& net) { return NetworkContains(net, ip); });
  });
  return beyond_local ? PathSegment::kTransit : PathSegment::kLocal;
}

PathTracer::PathTracer(EventLoop* loop) : loop_(loop) {}

PathTracer::~PathTracer() {
  for (auto& [id, trace] : traces_) {
    for (const auto& [ttl, fd] : trace->sockets) {
      loop_->UnwatchFd(fd);
      close(fd);
    }
    if (trace->timer != 0) loop_->CancelTimer(trace->timer);
  }
}

bool PathTracer::RecentlyTraced(const std::string& ip, Clock::duration window) {
  const Clock::time_point now = Clock::now();
  if (last_traced_.size() >= kMaxRemembered) {
    for (auto it = last_traced_.begin(); it != last_traced_.end();) {
      it = now - it->second >= window ? last_traced_.erase(it) : std::next(it);
    }
  }
  auto [it, inserted] = last_traced_.emplace(ip, now);
  if (!inserted && now - it->second < window) return true;
  it->second = now;
  return false;
}

void PathTracer::Start(const std::string& ip, const PathTrace& config, Clock::time_point end,
                       Done done) {
  const int64_t id = next_id_++;
  auto trace = std::make_unique<Trace>();
  trace->config = config;
  trace->done = std::move(done);
  trace->sent = Clock::now();
  Trace* t = trace.get();
  traces_.emplace(id, std::move(trace));
  if (!ParseIpAddress(ip, &t->target)) {
    t->error = "not an address: " + ip;
    Finish(id);
    return;
  }
  for (int ttl = 1; ttl <= config.max_hops; ++ttl) {
    std::string error;
    const int fd = OpenHop(t->target, ttl, &error);
    if (fd < 0) {
      t->error = error;
      break;
    }
    t->sockets.emplace(ttl, fd);
    loop_->WatchFd(fd, EPOLLIN, [this, id, ttl](uint32_t) { OnReadable(id, ttl); });
  }
  if (t->sockets.empty()) {
    Finish(id);
    return;
  }
  t->timer = loop_->AddTimer(end, [this, id] {
    auto it = traces_.find(id);
    if (it == traces_.end()) return;
    it->second->timer = 0;
    Finish(id);
  });
}

void PathTracer::OnReadable(int64_t id, int ttl) {
  auto it = traces_.find(id);
  if (it == traces_.end()) return;
  Trace& t = *it->second;
  auto socket = t.sockets.find(ttl);
  if (socket == t.sockets.end()) return;
  PathHop hop;
  hop.ttl = ttl;
  hop.rtt_seconds = std::chrono::duration<double>(Clock::now() - t.sent).count();
  const bool answered = ReadAnswer(socket->second, t.target, &hop);
  loop_->UnwatchFd(socket->second);
  close(socket->second);
  t.sockets.erase(socket);
  if (answered) {
    if (SameAddress(hop.address, t.target) && (t.reached_ttl == 0 || ttl < t.reached_ttl)) {
      t.reached_ttl = ttl;
    }
    t.hops.push_back(std::move(hop));
  }
  FinishIfComplete(id);
}

void PathTracer::FinishIfComplete(int64_t id) {
  const Trace& t = *traces_.at(id);
  // Every TTL answered or gave up; or the target answered and every TTL
  // below it has too (those above it only repeat the target).
  const bool below_done =
      t.reached_ttl != 0 && (t.sockets.empty() || t.sockets.begin()->first > t.reached_ttl);
  if (t.sockets.empty() || below_done) Finish(id);
}

void PathTracer::Finish(int64_t id) {
  auto it = traces_.find(id);
  if (it == traces_.end()) return;
  std::unique_ptr<Trace> t = std::move(it->second);
  traces_.erase(it);
  if (t->timer != 0) loop_->CancelTimer(t->timer);
  for (const auto& [ttl, fd] : t->sockets) {
    loop_->UnwatchFd(fd);
    close(fd);
  }
  PathReport report;
  report.target = t->target.text;
  report.error = t->error;
  std::sort(t->hops.begin(), t->hops.end(),
            [](const PathHop& a, const PathHop& b) { return a.ttl < b.ttl; });
  for (PathHop& hop : t->hops) {
    if (t->reached_ttl != 0 && hop.ttl > t->reached_ttl) break;
    report.hops.push_back(std::move(hop));
  }
  report.reached = t->reached_ttl != 0;
  report.segment = ClassifyPath(report.hops, report.reached, t->target, t->config);
  t->done(std::move(report));
}

void PathTracer::CancelAll() {
  std::vector<int64_t> ids;
  for (const auto& [id, trace] : traces_) ids.push_back(id);
  for (int64_t id : ids) Finish(id);
}

}  // namespace outage
