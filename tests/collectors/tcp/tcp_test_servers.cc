#include "tests/collectors/tcp/tcp_test_servers.h"

#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tests/support/loopback_socket.h"

namespace outage::test {

ServerConn::~ServerConn() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

bool ServerConn::ReadByte(char* c) {
  if (ssl_ != nullptr) return SSL_read(ssl_, c, 1) == 1;
  return recv(fd_, c, 1, 0) == 1;
}

bool ServerConn::ReadLine(std::string* line) {
  line->clear();
  char c = 0;
  while (ReadByte(&c)) {
    if (c == '\n') {
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
    line->push_back(c);
  }
  return false;
}

bool ServerConn::ReadBytes(size_t n, std::string* out) {
  out->clear();
  char c = 0;
  while (out->size() < n && ReadByte(&c)) out->push_back(c);
  return out->size() == n;
}

bool ServerConn::Write(std::string_view data) {
  if (ssl_ != nullptr) {
    return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) ==
           static_cast<int>(data.size());
  }
  return send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

bool ServerConn::StartTls(const std::string& cert_path, const std::string& key_path) {
  ctx_ = SSL_CTX_new(TLS_server_method());
  if (ctx_ == nullptr || SSL_CTX_use_certificate_chain_file(ctx_, cert_path.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx_, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return false;
  }
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  return SSL_accept(ssl_) == 1;
}

std::unique_ptr<ScriptedServer> ScriptedServer::Start(Script script, std::string* error) {
  int port = 0;
  const int fd = ListenOnLoopback(&port, error);
  return Serve(std::move(script), fd, port);
}

std::unique_ptr<ScriptedServer> ScriptedServer::StartUnix(Script script, const std::string& path,
                                                          std::string* error) {
  return Serve(std::move(script), ListenOnUnixSocket(path, error), 0);
}

std::unique_ptr<ScriptedServer> ScriptedServer::Serve(Script script, int listen_fd, int port) {
  if (listen_fd < 0) return nullptr;
  std::unique_ptr<ScriptedServer> server(new ScriptedServer());
  server->script_ = std::move(script);
  server->listen_fd_ = listen_fd;
  server->port_ = port;
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

ScriptedServer::~ScriptedServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (int fd : conn_fds_) shutdown(fd, SHUT_RDWR);  // unblocks the scripts
  }
  shutdown(listen_fd_, SHUT_RDWR);  // unblocks accept()
  accept_thread_.join();
  close(listen_fd_);
  for (std::thread& t : conns_) t.join();
  for (int fd : conn_fds_) close(fd);
}

void ScriptedServer::AcceptLoop() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    timeval limit{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    conn_fds_.push_back(fd);
    conns_.emplace_back([this, fd] {
      ServerConn conn(fd);
      script_(conn);
      // The fd is closed by the destructor; end the conversation now.
      shutdown(fd, SHUT_RDWR);
    });
  }
}

std::vector<std::string> ScriptedServer::Transcript() const {
  std::lock_guard<std::mutex> lock(mu_);
  return transcript_;
}

void ScriptedServer::Record(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  transcript_.push_back(line);
}

}  // namespace outage::test
