// Hostile targets for the reliability tests: loopback servers that misbehave
// in the ways a broken or malicious service does (never answer, trickle,
// reset mid-body, endless body, endless headers, endless redirects), and a
// DNS server that swallows every query.
#pragma once

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace outage::test {

enum class Hostility {
  kSilent,            // accept, read the request, never send a byte
  kTrickle,           // send the response one byte a second, from the status line on
  kResetMidBody,      // headers promising 1 MB, 64 KiB of body, then RST
  kEndlessBody,       // 200 with no length and a body that never ends
  kEndlessHeaders,    // a status line, then header lines forever
  kEndlessRedirects,  // every path redirects to a new path, forever
};

// HostileName is a short name for test output ("silent", "trickle", ...).
const char* HostileName(Hostility h);

// HostileServer listens on 127.0.0.1:0 and treats every connection the same
// hostile way, one thread per connection (at most kMaxConnections; more are
// closed at once). Every connection ends when the client goes away, the
// server stops, or after kConnectionLifetime. The destructor stops and joins
// everything. Thread-safe.
class HostileServer {
 public:
  static constexpr int kMaxConnections = 1024;
  static constexpr std::chrono::seconds kConnectionLifetime{60};

  static std::unique_ptr<HostileServer> Start(Hostility hostility, std::string* error);
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  int Port() const { return port_; }
  // Url is "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path = "/") const;
  int AcceptedCount() const { return accepted_.load(); }
  // OpenConnections is the number of connections still being served.
  int OpenConnections() const { return open_.load(); }

 private:
  HostileServer() = default;
  void AcceptLoop();
  void Serve(int fd);
  // Helpers for Serve; each returns false once the connection is over.
  bool ReadRequestHead(int fd, std::string* path);
  bool SendAll(int fd, std::string_view data, std::chrono::steady_clock::time_point end);
  bool WaitFor(int fd, short events, std::chrono::steady_clock::time_point end);

  Hostility hostility_ = Hostility::kSilent;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> open_{0};
  std::mutex mu_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers_;  // guarded by mu_
  std::thread accept_thread_;
};

// BlackHoleDnsServer is a UDP socket on 127.0.0.1:0 that reads every
// datagram and drops it: a resolver that never answers. Thread-safe.
class BlackHoleDnsServer {
 public:
  static std::unique_ptr<BlackHoleDnsServer> Start(std::string* error);
  ~BlackHoleDnsServer();
  BlackHoleDnsServer(const BlackHoleDnsServer&) = delete;
  BlackHoleDnsServer& operator=(const BlackHoleDnsServer&) = delete;

  int Port() const { return port_; }
  // Address is "127.0.0.1:PORT", a dns prober target.
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  int DroppedCount() const { return dropped_.load(); }

 private:
  BlackHoleDnsServer() = default;
  void Loop();

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> dropped_{0};
  std::thread thread_;
};

}  // namespace outage::test
