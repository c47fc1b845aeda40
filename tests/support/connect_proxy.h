// A forward proxy on 127.0.0.1:0 for probe tests: it records the head of
// every request it gets, tunnels CONNECT to loopback targets only, and
// answers any other request itself with 200 "proxied\n".
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/loopback_acceptor.h"

namespace outage::test {

// ProxyRequest is the head of one request the proxy received.
struct ProxyRequest {
  std::string method;  // "CONNECT", "GET", ...
  std::string target;  // "127.0.0.1:8443" for CONNECT, an absolute URL otherwise
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order

  // Values lists every value of the header `name` (any case), in order.
  std::vector<std::string> Values(std::string_view name) const;
};

// ConnectProxy serves each connection on a thread of its own (64 in its
// life at most). A tunnel lasts until either side closes, the proxy stops,
// or it is idle for 30 s; a CONNECT to anything but 127.0.0.1, localhost or
// [::1] is refused with 403. The destructor shuts every connection down and
// joins all threads. Thread-safe.
class ConnectProxy {
 public:
  static std::unique_ptr<ConnectProxy> Start(std::string* error);
  ~ConnectProxy() = default;  // acceptor_ goes first: no handler outlives the rest
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  int Port() const { return acceptor_->port(); }
  // Url is "http://127.0.0.1:PORT", the form proxy_url takes.
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(Port()); }
  // Requests are the heads received so far, oldest first.
  std::vector<ProxyRequest> Requests() const;
  void ClearRequests();

 private:
  ConnectProxy() = default;
  void Serve(int fd, LoopbackAcceptor& acceptor);
  // Tunnel relays bytes between the client and the target until one closes.
  static void Tunnel(int client, int upstream, const LoopbackAcceptor& acceptor);

  mutable std::mutex mu_;
  std::vector<ProxyRequest> requests_;
  std::unique_ptr<LoopbackAcceptor> acceptor_;  // last: stops first
};

}  // namespace outage::test
