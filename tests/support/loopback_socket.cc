#include "tests/support/loopback_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace outage::test {
namespace {

// Bind returns a socket bound to address:*port (0: the kernel picks), or
// -1, and stores the port.
int Bind(const std::string& address, int* port, std::string* error) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(*port));
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    if (error != nullptr) *error = "not an IPv4 address: " + address;
    return -1;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error != nullptr) *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (error != nullptr) *error = std::string("bind: ") + std::strerror(errno);
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// BindLoopback returns a socket bound to 127.0.0.1:0, or -1.
int BindLoopback(int* port, std::string* error) {
  *port = 0;
  return Bind("127.0.0.1", port, error);
}

}  // namespace

int ListenOnUnixSocket(const std::string& path, std::string* error) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    *error = "socket path too long: " + path;
    return -1;
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 16) != 0) {
    *error = "listen on " + path + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

int ListenOnLoopback(int* port, std::string* error) {
  *port = 0;
  return ListenOn("127.0.0.1", port, error);
}

int ListenOn(const std::string& address, int* port, std::string* error) {
  const int fd = Bind(address, port, error);
  if (fd < 0) return -1;
  if (listen(fd, 128) != 0) {
    if (error != nullptr) *error = std::string("listen: ") + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

RefusedPort::RefusedPort() { fd_ = BindLoopback(&port_, nullptr); }

RefusedPort::~RefusedPort() {
  if (fd_ >= 0) close(fd_);
}

int PickRefusedPort() {
  int port = 0;
  const int fd = BindLoopback(&port, nullptr);
  if (fd >= 0) close(fd);
  return port;
}

}  // namespace outage::test
