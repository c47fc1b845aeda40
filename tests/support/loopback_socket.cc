#include "tests/support/loopback_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace outage::test {
namespace {

// BindLoopback returns a socket bound to 127.0.0.1:0, or -1.
int BindLoopback(int* port, std::string* error) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error != nullptr) *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
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

}  // namespace

int ListenOnLoopback(int* port, std::string* error) {
  const int fd = BindLoopback(port, error);
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
