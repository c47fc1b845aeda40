// LoopbackAcceptor: the accept side of a small test server. It listens on
// 127.0.0.1:0 and serves each connection on a thread of its own with the
// server's handler, then closes it.
//
// Thread-safe. The destructor stops accepting, shuts down every connection
// still open (and every socket registered with Track) so blocked handlers
// return, and joins all threads: destroy it before what the handler uses.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace outage::test {

class LoopbackAcceptor {
 public:
  // Handler serves one accepted connection; the acceptor closes `fd` after.
  // It gets the acceptor for stopping(), Track and Untrack.
  using Handler = std::function<void(int fd, LoopbackAcceptor& acceptor)>;

  // Start accepts at most `max_connections` connections in its life;
  // nullptr with *error when it cannot listen.
  static std::unique_ptr<LoopbackAcceptor> Start(Handler handler, size_t max_connections,
                                                 std::string* error);
  ~LoopbackAcceptor();
  LoopbackAcceptor(const LoopbackAcceptor&) = delete;
  LoopbackAcceptor& operator=(const LoopbackAcceptor&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  bool stopping() const { return stopping_.load(); }

  // Track has the destructor shut `fd` down too (a handler's own upstream
  // socket); Untrack it before closing it.
  void Track(int fd);
  void Untrack(int fd);

 private:
  LoopbackAcceptor() = default;
  void AcceptLoop();

  Handler handler_;
  size_t max_connections_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<int> open_fds_;         // shut down by the destructor
  std::vector<std::thread> threads_;  // only the accept thread adds
  std::thread accept_thread_;
};

}  // namespace outage::test
