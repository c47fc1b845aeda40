// Socket helpers shared by the test servers: listen on 127.0.0.1 (or another
// loopback address) with a kernel-chosen port or on a Unix socket path, and
// find a port where connections are refused.
#pragma once

#include <string>

namespace outage::test {

// ListenOnLoopback opens a close-on-exec TCP socket listening on
// 127.0.0.1:0 and stores its port. Returns the fd, or -1 with *error.
int ListenOnLoopback(int* port, std::string* error);

// ListenOn is ListenOnLoopback on another loopback address (127.0.0.2, ...)
// and on *port when it is not 0, so that servers on several addresses can
// share a port.
int ListenOn(const std::string& address, int* port, std::string* error);

// ListenOnUnixSocket opens a close-on-exec Unix stream socket listening at
// `path` (which must not exist). Returns the fd, or -1 with *error.
int ListenOnUnixSocket(const std::string& path, std::string* error);

// RefusedPort reserves a loopback port where nothing listens: it binds
// 127.0.0.1:0 and keeps the socket bound but not listening, so a connect is
// refused and no one else can take the port while it lives. Not copyable.
class RefusedPort {
 public:
  RefusedPort();
  ~RefusedPort();
  RefusedPort(const RefusedPort&) = delete;
  RefusedPort& operator=(const RefusedPort&) = delete;

  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// PickRefusedPort binds 127.0.0.1:0, reads the port and closes the socket.
// Prefer RefusedPort, which keeps the port reserved.
int PickRefusedPort();

}  // namespace outage::test
