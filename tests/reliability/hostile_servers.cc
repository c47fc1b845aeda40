#include "tests/reliability/hostile_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "tests/support/loopback_socket.h"

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollSlice{50};  // how often waits look at stopping_

}  // namespace

const char* HostileName(Hostility h) {
  switch (h) {
    case Hostility::kSilent:
      return "silent";
    case Hostility::kTrickle:
      return "trickle";
    case Hostility::kResetMidBody:
      return "reset_mid_body";
    case Hostility::kEndlessBody:
      return "endless_body";
    case Hostility::kEndlessHeaders:
      return "endless_headers";
    case Hostility::kEndlessRedirects:
      return "endless_redirects";
  }
  return "?";
}

std::unique_ptr<HostileServer> HostileServer::Start(Hostility hostility, std::string* error) {
  std::unique_ptr<HostileServer> server(new HostileServer());
  server->hostility_ = hostility;
  server->listen_fd_ = ListenOnLoopback(&server->port_, error);
  if (server->listen_fd_ < 0) return nullptr;
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

HostileServer::~HostileServer() {
  stopping_ = true;
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<Worker> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();  // each wakes within kPollSlice
  if (listen_fd_ >= 0) close(listen_fd_);
}

std::string HostileServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HostileServer::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(kPollSlice.count())) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    std::lock_guard<std::mutex> lock(mu_);
    // Reap finished workers so the list stays as long as the live ones.
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
    if (workers_.size() >= static_cast<size_t>(kMaxConnections)) {
      close(fd);
      continue;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    ++open_;
    workers_.push_back(Worker{std::thread([this, fd, done] {
                                Serve(fd);
                                close(fd);
                                --open_;
                                done->store(true);
                              }),
                              done});
  }
}

bool HostileServer::WaitFor(int fd, short events, Clock::time_point end) {
  while (!stopping_ && Clock::now() < end) {
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, static_cast<int>(kPollSlice.count()));
    if (n < 0 && errno != EINTR) return false;
    if (n > 0) return (p.revents & (POLLERR | POLLNVAL)) == 0;
  }
  return false;
}

bool HostileServer::SendAll(int fd, std::string_view data, Clock::time_point end) {
  while (!data.empty()) {
    if (!WaitFor(fd, POLLOUT, end)) return false;
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;  // the client went away
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool HostileServer::ReadRequestHead(int fd, std::string* path) {
  const auto end = Clock::now() + milliseconds(10'000);
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (head.size() > 64 * 1024 || !WaitFor(fd, POLLIN, end)) return false;
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    head.append(buf, static_cast<size_t>(n));
  }
  // "GET /path HTTP/1.1"
  const size_t sp1 = head.find(' ');
  const size_t sp2 = sp1 == std::string::npos ? sp1 : head.find(' ', sp1 + 1);
  *path = sp2 == std::string::npos ? "/" : head.substr(sp1 + 1, sp2 - sp1 - 1);
  return true;
}

void HostileServer::Serve(int fd) {
  const auto end = Clock::now() + kConnectionLifetime;
  if (hostility_ == Hostility::kSilent) {
    // Drain whatever arrives (so the client never blocks on a full window)
    // until the client hangs up.
    char sink[4096];
    while (WaitFor(fd, POLLIN, end)) {
      const ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;
    }
    return;
  }
  std::string path;
  if (!ReadRequestHead(fd, &path)) return;
  switch (hostility_) {
    case Hostility::kSilent:
      return;
    case Hostility::kTrickle: {
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nslow\n";
      for (char c : response) {
        if (!SendAll(fd, std::string_view(&c, 1), end)) return;
        // Sleep a second, but notice the client leaving or the server stopping.
        const auto next = Clock::now() + milliseconds(1000);
        while (!stopping_ && Clock::now() < next) {
          pollfd p{fd, POLLIN, 0};
          if (poll(&p, 1, static_cast<int>(kPollSlice.count())) > 0) {
            char b;
            if (recv(fd, &b, 1, MSG_DONTWAIT) <= 0 && errno != EAGAIN) return;
          }
        }
      }
      return;
    }
    case Hostility::kResetMidBody: {
      SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n",
              end);
      SendAll(fd, std::string(64 * 1024, 'x'), end);
      const linger l{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);  // close() sends RST
      return;
    }
    case Hostility::kEndlessBody: {
      if (!SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", end)) return;
      const std::string chunk(64 * 1024, 'x');
      while (SendAll(fd, chunk, end)) {
      }
      return;
    }
    case Hostility::kEndlessHeaders: {
      if (!SendAll(fd, "HTTP/1.1 200 OK\r\n", end)) return;
      const std::string filler(100, 'h');
      for (uint64_t i = 0;
           SendAll(fd, "X-Endless-" + std::to_string(i) + ": " + filler + "\r\n", end); ++i) {
      }
      return;
    }
    case Hostility::kEndlessRedirects: {
      // /r/N -> /r/N+1; any other path starts the chain.
      long n = 0;
      if (path.rfind("/r/", 0) == 0) n = std::strtol(path.c_str() + 3, nullptr, 10);
      SendAll(fd,
              "HTTP/1.1 302 Found\r\nLocation: /r/" + std::to_string(n + 1) +
                  "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
              end);
      // Half-close and drain, so the close is a FIN and not an RST.
      shutdown(fd, SHUT_WR);
      char sink[512];
      while (WaitFor(fd, POLLIN, Clock::now() + milliseconds(2000))) {
        const ssize_t r = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) break;
      }
      return;
    }
  }
}

std::unique_ptr<BlackHoleDnsServer> BlackHoleDnsServer::Start(std::string* error) {
  std::unique_ptr<BlackHoleDnsServer> server(new BlackHoleDnsServer());
  server->fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (server->fd_ < 0 || bind(server->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(server->fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    *error = std::string("udp socket: ") + std::strerror(errno);
    if (server->fd_ >= 0) close(server->fd_);
    server->fd_ = -1;
    return nullptr;
  }
  server->port_ = ntohs(addr.sin_port);
  server->thread_ = std::thread([s = server.get()] { s->Loop(); });
  return server;
}

BlackHoleDnsServer::~BlackHoleDnsServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

void BlackHoleDnsServer::Loop() {
  char buf[4096];
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(kPollSlice.count())) <= 0) continue;
    if (recv(fd_, buf, sizeof buf, MSG_DONTWAIT) >= 0) ++dropped_;
  }
}

}  // namespace outage::test
