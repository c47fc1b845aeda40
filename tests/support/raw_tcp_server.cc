#include "tests/support/raw_tcp_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "tests/support/loopback_socket.h"

namespace outage::test {

std::unique_ptr<RawTcpServer> RawTcpServer::Start(RawBehavior behavior, std::string* error) {
  std::unique_ptr<RawTcpServer> server(new RawTcpServer());
  server->behavior_ = behavior;
  server->listen_fd_ = ListenOnLoopback(&server->port_, error);
  if (server->listen_fd_ < 0) return nullptr;
  server->thread_ = std::thread([s = server.get()] { s->Loop(); });
  return server;
}

RawTcpServer::~RawTcpServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  for (int fd : held_) close(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
}

std::string RawTcpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void RawTcpServer::Loop() {
  char sink[4096];
  while (!stopping_) {
    // Poll the listener and every held socket: held sockets are drained so a
    // client's request never blocks on a full window, and dropped on EOF.
    std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}};
    for (int fd : held_) fds.push_back({fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 50) <= 0) continue;
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = recv(fds[i].fd, sink, sizeof(sink), MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close(fds[i].fd);
        held_.erase(std::find(held_.begin(), held_.end(), fds[i].fd));
      }
    }
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    switch (behavior_) {
      case RawBehavior::kNeverAnswer:
        held_.push_back(fd);
        break;
      case RawBehavior::kCloseImmediately:
        // FIN at once, but keep draining until the client closes: closing
        // with its request unread would send an RST instead.
        shutdown(fd, SHUT_WR);
        held_.push_back(fd);
        break;
      case RawBehavior::kReset: {
        const linger l{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        close(fd);
        break;
      }
    }
  }
}

}  // namespace outage::test
