// TcpStream: one non-blocking client connection, plain or TLS, with reads
// and writes that report "would block" instead of blocking, so the probe can
// wait for the socket on the event loop.
//
// TLS writes go through OpenSSL's socket BIO (write(2)): the process must
// ignore SIGPIPE, as main() does. Not thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "collectors/tcp/tls_client.h"

namespace outage {

enum class IoStatus {
  kDone,       // progress was made (or the handshake finished)
  kWantRead,   // wait until the socket is readable, then retry
  kWantWrite,  // wait until the socket is writable, then retry
  kEof,        // the peer closed the connection
  kError,      // a socket error (reset, unreachable, ...): see error
  kTlsError,   // a TLS protocol or certificate error: see error
};

class TcpStream {
 public:
  explicit TcpStream(int fd) : fd_(fd) {}  // takes ownership of fd
  ~TcpStream();
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  int fd() const { return fd_; }
  bool is_tls() const { return ssl_ != nullptr; }

  // ConnectResult reads the outcome of a non-blocking connect once the
  // socket is writable: kDone or kError.
  IoStatus ConnectResult(std::string* error);
  // StartTls makes every later call go through `ssl` (a client session on
  // this fd); then Handshake until kDone.
  void StartTls(SslPtr ssl) { ssl_ = std::move(ssl); }
  IoStatus Handshake(std::string* error);
  // Read appends up to `max` bytes to *out.
  IoStatus Read(size_t max, std::string* out, std::string* error);
  // Write sends from the front of *pending and erases what was sent.
  IoStatus Write(std::string* pending, std::string* error);

  SSL* ssl() const { return ssl_.get(); }

 private:
  IoStatus TlsStatus(int rc, std::string* error);

  int fd_;
  SslPtr ssl_;
};

}  // namespace outage
