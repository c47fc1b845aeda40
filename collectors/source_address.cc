// See source_address.h.
#include "collectors/source_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace outage {

std::optional<std::string> BindSourceAddress(int fd, int family, const std::string& ip) {
  sockaddr_storage local{};
  socklen_t len = 0;
  bool parsed = false;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&local);
    in->sin_family = AF_INET;
    len = sizeof(sockaddr_in);
    parsed = inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
    in6->sin6_family = AF_INET6;
    len = sizeof(sockaddr_in6);
    parsed = inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1;
  }
  if (!parsed) return "source_ip_address " + ip + " is not of the target's family";
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), len) == 0) return std::nullopt;
  return "binding source_ip_address " + ip + ": " + std::strerror(errno);
}

}  // namespace outage
