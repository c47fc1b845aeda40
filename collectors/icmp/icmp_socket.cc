#include "collectors/icmp/icmp_socket.h"

#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "collectors/source_address.h"

namespace outage {
namespace {

constexpr size_t kMaxPacketBytes = 65536;

std::string PingGroupRange() {
  std::ifstream in("/proc/sys/net/ipv4/ping_group_range");
  std::string low;
  std::string high;
  if (!(in >> low >> high)) return "unknown";
  return low + " " + high;
}

std::optional<std::string> SetOption(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof value) == 0) return std::nullopt;
  return std::string("setting ") + what + ": " + std::strerror(errno);
}

std::optional<std::string> FilterEchoReplies(int fd, int family) {
  if (family == AF_INET) {
    icmp_filter filter{};
    filter.data = ~(1u << ICMP_ECHOREPLY);  // a set bit drops that type
    if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) == 0) return std::nullopt;
  } else {
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) == 0) {
      return std::nullopt;
    }
  }
  return std::string("setting the ICMP filter: ") + std::strerror(errno);
}

}  // namespace

const char* IcmpSocketKindName(IcmpSocketKind kind) {
  return kind == IcmpSocketKind::kDatagram ? "datagram" : "raw";
}

int OpenIcmpSocket(int family, IcmpSocketKind* kind, std::string* error) {
  const int protocol =
      family == AF_INET ? static_cast<int>(IPPROTO_ICMP) : static_cast<int>(IPPROTO_ICMPV6);
  constexpr int kFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;
  int fd = socket(family, SOCK_DGRAM | kFlags, protocol);
  if (fd >= 0) {
    *kind = IcmpSocketKind::kDatagram;
    return fd;
  }
  const int datagram_errno = errno;
  fd = socket(family, SOCK_RAW | kFlags, protocol);
  if (fd >= 0) {
    *kind = IcmpSocketKind::kRaw;
    return fd;
  }
  const int raw_errno = errno;
  if ((datagram_errno == EACCES || datagram_errno == EPERM) &&
      (raw_errno == EACCES || raw_errno == EPERM)) {
    *error =
        "not permitted to open ICMP sockets: a datagram socket needs the process's group "
        "in net.ipv4.ping_group_range (now \"" +
        PingGroupRange() + "\"), a raw socket needs CAP_NET_RAW";
  } else {
    *error = std::string("opening an ICMP socket: datagram: ") + std::strerror(datagram_errno) +
             "; raw: " + std::strerror(raw_errno);
  }
  return -1;
}

std::optional<std::string> ConfigureIcmpSocket(int fd, int family, IcmpSocketKind kind,
                                               const IcmpProbe& config) {
  const bool v4 = family == AF_INET;
  if (kind == IcmpSocketKind::kRaw) {
    if (std::optional<std::string> problem = FilterEchoReplies(fd, family)) return problem;
  }
  if (std::optional<std::string> problem =
          v4 ? SetOption(fd, IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL")
             : SetOption(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT")) {
    return problem;
  }
  if (config.ttl > 0) {
    if (std::optional<std::string> problem =
            v4 ? SetOption(fd, IPPROTO_IP, IP_TTL, config.ttl, "IP_TTL")
               : SetOption(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, config.ttl, "IPV6_UNICAST_HOPS")) {
      return problem;
    }
  }
  if (config.dont_fragment) {
    if (std::optional<std::string> problem =
            v4 ? SetOption(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER")
               : SetOption(fd, IPPROTO_IPV6, IPV6_DONTFRAG, 1, "IPV6_DONTFRAG")) {
      return problem;
    }
  }
  if (config.source_ip_address.empty()) return std::nullopt;
  return BindSourceAddress(fd, family, config.source_ip_address);
}

std::optional<ReceivedPacket> ReceiveIcmp(int fd, std::string* error) {
  error->clear();
  ReceivedPacket packet;
  packet.bytes.resize(kMaxPacketBytes);
  iovec iov{packet.bytes.data(), packet.bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int)) * 4];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(fd, &msg, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) *error = std::strerror(errno);
    return std::nullopt;
  }
  packet.bytes.resize(static_cast<size_t>(n));
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    const bool ttl = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL;
    const bool hops = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT;
    if ((ttl || hops) && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      std::memcpy(&packet.hop_limit, CMSG_DATA(c), sizeof(int));
    }
  }
  return packet;
}

}  // namespace outage
