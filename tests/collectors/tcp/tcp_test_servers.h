// ScriptedServer: a line-protocol server on 127.0.0.1:0 (or a Unix socket
// path) for the tcp, unix and websocket prober tests.
// Each accepted connection runs a script (banner, SMTP/IMAP/POP3 dialogues,
// a direct TLS server) on its own thread with blocking, time-limited I/O.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace outage::test {

// ServerConn is one accepted connection as its script sees it. Every call
// fails (returns false) after 5 s without progress, so no test can hang.
class ServerConn {
 public:
  explicit ServerConn(int fd) : fd_(fd) {}
  ~ServerConn();
  ServerConn(const ServerConn&) = delete;
  ServerConn& operator=(const ServerConn&) = delete;

  // ReadLine reads up to "\n", returning the line without "\r\n" / "\n".
  bool ReadLine(std::string* line);
  // ReadBytes reads exactly n bytes (websocket frames).
  bool ReadBytes(size_t n, std::string* out);
  bool Write(std::string_view data);
  // StartTls performs the server side of a TLS handshake with these PEM
  // files; later reads and writes are encrypted.
  bool StartTls(const std::string& cert_path, const std::string& key_path);

 private:
  bool ReadByte(char* c);

  int fd_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

class ScriptedServer {
 public:
  using Script = std::function<void(ServerConn&)>;

  static std::unique_ptr<ScriptedServer> Start(Script script, std::string* error);
  // StartUnix listens on a Unix stream socket at `path` instead.
  static std::unique_ptr<ScriptedServer> StartUnix(Script script, const std::string& path,
                                                   std::string* error);
  ~ScriptedServer();  // stops accepting, unblocks and joins every script
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int Port() const { return port_; }
  // Target is "127.0.0.1:PORT".
  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }
  // Transcript is every line the scripts read so far, in order, as
  // recorded with Record(); thread-safe.
  std::vector<std::string> Transcript() const;
  void Record(const std::string& line);

 private:
  ScriptedServer() = default;
  // Serve accepts on `listen_fd` (taking it; -1 means none: nullptr).
  static std::unique_ptr<ScriptedServer> Serve(Script script, int listen_fd, int port);
  void AcceptLoop();

  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<int> conn_fds_;            // guarded by mu_
  std::vector<std::thread> conns_;       // guarded by mu_
  std::vector<std::string> transcript_;  // guarded by mu_
  bool stopping_ = false;                // guarded by mu_
  std::thread accept_thread_;
};

}  // namespace outage::test
