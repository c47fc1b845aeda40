// A TCP server on 127.0.0.1:0 that misbehaves on purpose: it accepts and
// never answers, hangs up at once, or resets the connection.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace outage::test {

enum class RawBehavior {
  kNeverAnswer,       // accept, read and discard, hold the socket until shutdown
  kCloseImmediately,  // accept and send FIN at once, never a byte of reply
  kReset,             // accept and close with SO_LINGER 0 (RST)
};

// RawTcpServer runs one accept thread; the destructor closes every held
// socket and joins it. Thread-safe.
class RawTcpServer {
 public:
  static std::unique_ptr<RawTcpServer> Start(RawBehavior behavior, std::string* error);
  ~RawTcpServer();
  RawTcpServer(const RawTcpServer&) = delete;
  RawTcpServer& operator=(const RawTcpServer&) = delete;

  int Port() const { return port_; }
  // Url is "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path = "/") const;
  // Target is "127.0.0.1:PORT", the form a TCP or gRPC probe target takes.
  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }
  // AcceptedCount is the number of connections accepted so far.
  int AcceptedCount() const { return accepted_.load(); }

 private:
  RawTcpServer() = default;
  void Loop();

  RawBehavior behavior_ = RawBehavior::kNeverAnswer;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> held_;  // only touched by the accept thread, then the destructor
  std::thread thread_;
};

}  // namespace outage::test
