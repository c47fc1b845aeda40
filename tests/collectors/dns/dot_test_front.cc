// See dot_test_front.h.
#include "tests/collectors/dns/dot_test_front.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace outage::test {
namespace {

constexpr size_t kMaxConnections = 64;  // in the front's whole life

// Every blocking call on a connection gives up after this long.
void SetTimeouts(int fd) {
  const timeval five_seconds{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five_seconds, sizeof five_seconds);
}

bool ReadFull(SSL* ssl, unsigned char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    size_t chunk = 0;
    if (SSL_read_ex(ssl, out + got, n - got, &chunk) != 1) return false;
    got += chunk;
  }
  return true;
}

bool RecvFull(int fd, unsigned char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t chunk = recv(fd, out + got, n - got, 0);
    if (chunk <= 0) return false;
    got += static_cast<size_t>(chunk);
  }
  return true;
}

int ConnectBackend(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  SetTimeouts(fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Relay passes one framed query to the backend and its framed answer back.
bool Relay(SSL* ssl, int backend) {
  unsigned char length[2];
  if (!ReadFull(ssl, length, 2)) return false;
  std::vector<unsigned char> message(static_cast<size_t>(length[0] << 8 | length[1]));
  if (!ReadFull(ssl, message.data(), message.size())) return false;
  if (send(backend, length, 2, MSG_NOSIGNAL) != 2 ||
      send(backend, message.data(), message.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(message.size())) {
    return false;
  }
  if (!RecvFull(backend, length, 2)) return false;
  message.resize(static_cast<size_t>(length[0] << 8 | length[1]));
  if (!RecvFull(backend, message.data(), message.size())) return false;
  size_t written = 0;
  return SSL_write_ex(ssl, length, 2, &written) == 1 &&
         SSL_write_ex(ssl, message.data(), message.size(), &written) == 1;
}

}  // namespace

std::unique_ptr<DotTestFront> DotTestFront::Start(const std::string& cert_path,
                                                  const std::string& key_path, int backend_port,
                                                  std::string* error) {
  std::unique_ptr<DotTestFront> front(new DotTestFront());
  front->backend_port_ = backend_port;
  front->ctx_ = SSL_CTX_new(TLS_server_method());
  if (front->ctx_ == nullptr ||
      SSL_CTX_use_certificate_chain_file(front->ctx_, cert_path.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(front->ctx_, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    *error = "cannot load " + cert_path + " / " + key_path;
    return nullptr;
  }
  front->acceptor_ = LoopbackAcceptor::Start(
      [f = front.get()](int fd, LoopbackAcceptor& acceptor) { f->Serve(fd, acceptor); },
      kMaxConnections, error);
  if (front->acceptor_ == nullptr) return nullptr;
  return front;
}

DotTestFront::~DotTestFront() {
  acceptor_.reset();
  SSL_CTX_free(ctx_);
}

void DotTestFront::Serve(int fd, const LoopbackAcceptor& acceptor) {
  SetTimeouts(fd);
  SSL* ssl = SSL_new(ctx_);
  const int backend = ConnectBackend(backend_port_);
  if (ssl != nullptr && backend >= 0 && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1) {
    ++handshakes_;
    while (!acceptor.stopping() && Relay(ssl, backend)) {
    }
  }
  SSL_free(ssl);
  if (backend >= 0) close(backend);
}

}  // namespace outage::test
