// A counting TCP listener for the security tests: binds any local address
// (169.254.169.254 inside a private network namespace, or 127.0.0.1), counts
// the connections it accepts and answers each with a fixed HTTP 200, so a
// test can prove that a refused destination was never connected to.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace outage::test {

// CountingListener is thread-safe; the destructor stops and joins.
class CountingListener {
 public:
  // Start listens on ip:0; nullptr with *error on failure.
  static std::unique_ptr<CountingListener> Start(const std::string& ip, std::string* error);
  ~CountingListener();
  CountingListener(const CountingListener&) = delete;
  CountingListener& operator=(const CountingListener&) = delete;

  int Port() const { return port_; }
  // Accepted is how many connections this listener has accepted so far. A
  // client's connect can finish before the listener thread accepts, so a
  // count read right after a probe may lag: see AcceptedOnceSettled.
  int Accepted() const { return accepted_.load(); }
  // AcceptedOnceSettled waits (up to 2 s) until at least `expected`
  // connections were accepted, then a little longer for any beyond it, and
  // returns the count: exact whether the probes connected as often as
  // expected, more often, or less.
  int AcceptedOnceSettled(int expected) const;

 private:
  CountingListener() = default;
  void Loop();

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace outage::test
