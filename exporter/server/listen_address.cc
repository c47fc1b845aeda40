#include "exporter/server/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace outage {
namespace {

// kListenBacklog is the kernel's accept queue; the kernel caps it at somaxconn.
constexpr int kListenBacklog = 4096;

int BindAndListen(int family, const sockaddr* addr, socklen_t len, bool dual_stack, int* port,
                  std::string* error) {
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) {
    const int v6only = dual_stack ? 0 : 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (bind(fd, addr, len) != 0 || listen(fd, kListenBacklog) != 0) {
    *error = std::strerror(errno);
    close(fd);
    return -1;
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  *port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return fd;
}

}  // namespace

std::optional<ListenAddress> ParseListenAddress(std::string_view text, std::string* error) {
  const auto fail = [&](std::string_view why) -> std::optional<ListenAddress> {
    *error = "invalid listen address \"" + std::string(text) + "\": " + std::string(why);
    return std::nullopt;
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("want host:port or :port");
  std::string host(text.substr(0, colon));
  const std::string port(text.substr(colon + 1));
  const bool digits = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos;
  const long p = digits ? std::strtol(port.c_str(), nullptr, 10) : -1;
  if (p < 0 || p > 65535) return fail("bad port");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    in6_addr addr6{};
    if (inet_pton(AF_INET6, host.c_str(), &addr6) != 1) {
      return fail("the host in brackets must be an IPv6 address");
    }
  } else {
    if (host == "localhost") host = "127.0.0.1";
    if (host == "0.0.0.0") host.clear();
    in_addr addr{};
    if (!host.empty() && inet_pton(AF_INET, host.c_str(), &addr) != 1) {
      return fail("host must be an IPv4 address or an IPv6 address in brackets");
    }
  }
  return ListenAddress{host, static_cast<int>(p)};
}

int ListenOn(const ListenAddress& address, int* port, std::string* error) {
  const auto net_port = htons(static_cast<uint16_t>(address.port));
  if (address.host.find(':') != std::string::npos || address.host.empty()) {
    sockaddr_in6 a6{};
    a6.sin6_family = AF_INET6;
    a6.sin6_port = net_port;
    a6.sin6_addr = in6addr_any;
    if (!address.host.empty()) inet_pton(AF_INET6, address.host.c_str(), &a6.sin6_addr);
    const int fd = BindAndListen(AF_INET6, reinterpret_cast<sockaddr*>(&a6), sizeof a6,
                                 address.host.empty(), port, error);
    // Every address on a host without IPv6 is every IPv4 address.
    if (fd >= 0 || !address.host.empty()) return fd;
  }
  sockaddr_in a4{};
  a4.sin_family = AF_INET;
  a4.sin_port = net_port;
  a4.sin_addr.s_addr = htonl(INADDR_ANY);
  if (!address.host.empty()) inet_pton(AF_INET, address.host.c_str(), &a4.sin_addr);
  return BindAndListen(AF_INET, reinterpret_cast<sockaddr*>(&a4), sizeof a4, false, port, error);
}

std::string FormatListenAddress(const ListenAddress& address, int port) {
  if (address.host.empty()) return "*:" + std::to_string(port);
  if (address.host.find(':') != std::string::npos) {
    return "[" + address.host + "]:" + std::to_string(port);
  }
  return address.host + ":" + std::to_string(port);
}

}  // namespace outage
