// See connect_proxy.h.
#include "tests/support/connect_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace outage::test {
namespace {

constexpr size_t kMaxConnections = 64;  // in the proxy's whole life
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr auto kIdleLimit = std::chrono::seconds(30);
constexpr int kTickMs = 100;  // how often blocked loops look at stopping()

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  return std::string(text.substr(begin, text.find_last_not_of(" \t") - begin + 1));
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// ParseHead splits "METHOD TARGET VERSION\r\nName: value\r\n..." into *out.
bool ParseHead(const std::string& head, ProxyRequest* out) {
  size_t line_end = head.find("\r\n");
  const std::string first = head.substr(0, line_end);
  const size_t sp1 = first.find(' ');
  const size_t sp2 = first.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  out->method = first.substr(0, sp1);
  out->target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  while (line_end != std::string::npos && line_end + 2 < head.size()) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    out->headers.emplace_back(line.substr(0, colon), Trim(line.substr(colon + 1)));
  }
  return true;
}

// ConnectLoopback connects to a CONNECT target on loopback; -1 otherwise.
int ConnectLoopback(const std::string& authority) {
  const size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return -1;
  const std::string host = authority.substr(0, colon);
  const int port = std::atoi(authority.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return -1;
  const bool v6 = host == "[::1]";
  if (!v6 && host != "127.0.0.1" && host != "localhost") return -1;
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc = -1;
  if (v6) {
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    addr.sin6_port = htons(static_cast<uint16_t>(port));
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } else {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  if (rc != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::vector<std::string> ProxyRequest::Values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [header, value] : headers) {
    if (Lower(header) == Lower(name)) out.push_back(value);
  }
  return out;
}

std::unique_ptr<ConnectProxy> ConnectProxy::Start(std::string* error) {
  std::unique_ptr<ConnectProxy> proxy(new ConnectProxy());
  proxy->acceptor_ = LoopbackAcceptor::Start(
      [p = proxy.get()](int fd, LoopbackAcceptor& acceptor) { p->Serve(fd, acceptor); },
      kMaxConnections, error);
  if (proxy->acceptor_ == nullptr) return nullptr;
  return proxy;
}

std::vector<ProxyRequest> ConnectProxy::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void ConnectProxy::ClearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

void ConnectProxy::Serve(int fd, LoopbackAcceptor& acceptor) {
  std::string head;
  char buffer[4096];
  const auto give_up = std::chrono::steady_clock::now() + kIdleLimit;
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxHeadBytes &&
         !acceptor.stopping() && std::chrono::steady_clock::now() < give_up) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, kTickMs) <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<size_t>(n));
  }
  ProxyRequest request;
  const size_t end = head.find("\r\n\r\n");
  if (end != std::string::npos && ParseHead(head.substr(0, end + 2), &request)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
    }
    if (request.method != "CONNECT") {
      SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nproxied\n");
    } else if (const int upstream = ConnectLoopback(request.target); upstream < 0) {
      SendAll(fd, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    } else {
      acceptor.Track(upstream);
      // Bytes read past the head already belong to the tunnel.
      if (SendAll(upstream, std::string_view(head).substr(end + 4)) &&
          SendAll(fd, "HTTP/1.1 200 Connection established\r\n\r\n")) {
        Tunnel(fd, upstream, acceptor);
      }
      acceptor.Untrack(upstream);
      close(upstream);
    }
  }
}

void ConnectProxy::Tunnel(int client, int upstream, const LoopbackAcceptor& acceptor) {
  char buffer[16 * 1024];
  auto idle_until = std::chrono::steady_clock::now() + kIdleLimit;
  while (!acceptor.stopping() && std::chrono::steady_clock::now() < idle_until) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (poll(fds, 2, kTickMs) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = recv(fds[i].fd, buffer, sizeof(buffer), 0);
      if (n <= 0 || !SendAll(fds[1 - i].fd, std::string_view(buffer, static_cast<size_t>(n)))) {
        return;
      }
      idle_until = std::chrono::steady_clock::now() + kIdleLimit;
    }
  }
}

}  // namespace outage::test
