// See loopback_acceptor.h.
#include "tests/support/loopback_acceptor.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "tests/support/loopback_socket.h"

namespace outage::test {
namespace {

constexpr int kTickMs = 100;  // how often the accept loop looks at stopping_

}  // namespace

std::unique_ptr<LoopbackAcceptor> LoopbackAcceptor::Start(Handler handler, size_t max_connections,
                                                          std::string* error) {
  std::unique_ptr<LoopbackAcceptor> acceptor(new LoopbackAcceptor());
  acceptor->handler_ = std::move(handler);
  acceptor->max_connections_ = max_connections;
  acceptor->listen_fd_ = ListenOnLoopback(&acceptor->port_, error);
  if (acceptor->listen_fd_ < 0) return nullptr;
  acceptor->accept_thread_ = std::thread([a = acceptor.get()] { a->AcceptLoop(); });
  return acceptor;
}

LoopbackAcceptor::~LoopbackAcceptor() {
  stopping_ = true;
  if (accept_thread_.joinable()) accept_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& thread : threads_) thread.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void LoopbackAcceptor::Track(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.push_back(fd);
}

void LoopbackAcceptor::Untrack(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
}

void LoopbackAcceptor::AcceptLoop() {
  while (!stopping_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, kTickMs) <= 0 || threads_.size() >= max_connections_) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    Track(fd);
    threads_.emplace_back([this, fd] {
      handler_(fd, *this);
      Untrack(fd);
      close(fd);
    });
  }
}

}  // namespace outage::test
