// DotTestFront: a DNS-over-TLS resolver for tests (RFC 7858). It terminates
// TLS on 127.0.0.1:0 with a given certificate and passes each
// length-framed query on to a DnsTestServer's TCP port, whose framing is
// the same, and the answer back.
//
// Thread-safety: Start, port and the counters may be called from any
// thread; one thread per connection (64 in its life at most), all joined by
// the destructor.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "tests/support/loopback_acceptor.h"

typedef struct ssl_ctx_st SSL_CTX;  // OpenSSL stays out of this header

namespace outage::test {

class DotTestFront {
 public:
  // Start serves cert_path/key_path (PEM) in front of 127.0.0.1:backend_port;
  // nullptr with *error on failure.
  static std::unique_ptr<DotTestFront> Start(const std::string& cert_path,
                                             const std::string& key_path, int backend_port,
                                             std::string* error);
  ~DotTestFront();  // the acceptor first, then the TLS context
  DotTestFront(const DotTestFront&) = delete;
  DotTestFront& operator=(const DotTestFront&) = delete;

  int port() const { return acceptor_->port(); }
  // "127.0.0.1:PORT", the form a dns probe target takes.
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
  int connections() const { return acceptor_->accepted(); }
  int handshakes() const { return handshakes_.load(); }

 private:
  DotTestFront() = default;
  void Serve(int fd, const LoopbackAcceptor& acceptor);

  SSL_CTX* ctx_ = nullptr;
  int backend_port_ = 0;
  std::atomic<int> handshakes_{0};
  std::unique_ptr<LoopbackAcceptor> acceptor_;  // last: stops first
};

}  // namespace outage::test
