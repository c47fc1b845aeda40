#include "tests/integration/security_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace outage::test {

std::unique_ptr<CountingListener> CountingListener::Start(const std::string& ip,
                                                          std::string* error) {
  std::unique_ptr<CountingListener> l(new CountingListener());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    *error = "not an IPv4 address: " + ip;
    return nullptr;
  }
  l->fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(l->fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof addr;
  if (l->fd_ < 0 || bind(l->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(l->fd_, 64) != 0 ||
      getsockname(l->fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    *error = "cannot listen on " + ip + ": " + std::strerror(errno);
    return nullptr;
  }
  l->port_ = ntohs(addr.sin_port);
  l->thread_ = std::thread([raw = l.get()] { raw->Loop(); });
  return l;
}

CountingListener::~CountingListener() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

void CountingListener::Loop() {
  while (!stop_.load()) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    accepted_.fetch_add(1);
    // Read the request head (bounded in time), then answer and hang up.
    std::string head;
    char buf[4096];
    for (int waited = 0; waited < 2000 && head.find("\r\n\r\n") == std::string::npos;) {
      pollfd q{c, POLLIN, 0};
      if (poll(&q, 1, 100) <= 0) {
        waited += 100;
        continue;
      }
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      head.append(buf, static_cast<size_t>(n));
    }
    static const char kAnswer[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nmetadata";
    (void)!write(c, kAnswer, sizeof kAnswer - 1);
    close(c);
  }
}

int CountingListener::AcceptedOnceSettled(int expected) const {
  using Clock = std::chrono::steady_clock;
  constexpr std::chrono::milliseconds kPoll{10};
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(2);
  while (accepted_.load() < expected && Clock::now() < deadline) {
    std::this_thread::sleep_for(kPoll);
  }
  // Connections beyond `expected` would be a bug the caller wants to see.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return accepted_.load();
}

}  // namespace outage::test
