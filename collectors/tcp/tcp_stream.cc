#include "collectors/tcp/tcp_stream.h"

#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace outage {

TcpStream::~TcpStream() {
  ssl_.reset();  // no close_notify: the probe is over, the peer need not wait
  close(fd_);
}

IoStatus TcpStream::ConnectResult(std::string* error) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) return IoStatus::kDone;
  *error = std::strerror(err);
  return IoStatus::kError;
}

IoStatus TcpStream::TlsStatus(int rc, std::string* error) {
  const int code = SSL_get_error(ssl_.get(), rc);
  switch (code) {
    case SSL_ERROR_WANT_READ:
      return IoStatus::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return IoStatus::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return IoStatus::kEof;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0) {
        // errno 0 here is an EOF that broke the TLS framing.
        if (errno == 0) return IoStatus::kEof;
        *error = std::strerror(errno);
        return IoStatus::kError;
      }
      [[fallthrough]];
    default:
      *error = TlsErrorText(ssl_.get());
      return IoStatus::kTlsError;
  }
}

IoStatus TcpStream::Handshake(std::string* error) {
  // The error queue is per thread and shared with curl on the loop thread.
  ERR_clear_error();
  errno = 0;
  const int rc = SSL_do_handshake(ssl_.get());
  if (rc == 1) return IoStatus::kDone;
  const IoStatus status = TlsStatus(rc, error);
  if (status == IoStatus::kEof) {
    *error = "connection closed during the TLS handshake";
    return IoStatus::kTlsError;
  }
  return status;
}

IoStatus TcpStream::Read(size_t max, std::string* out, std::string* error) {
  const size_t old_size = out->size();
  out->resize(old_size + max);
  char* into = &(*out)[old_size];
  if (ssl_ != nullptr) {
    ERR_clear_error();
    errno = 0;
    size_t got = 0;
    const int rc = SSL_read_ex(ssl_.get(), into, max, &got);
    out->resize(old_size + got);
    return rc == 1 ? IoStatus::kDone : TlsStatus(rc, error);
  }
  const ssize_t got = recv(fd_, into, max, 0);
  out->resize(old_size + (got > 0 ? static_cast<size_t>(got) : 0));
  if (got > 0) return IoStatus::kDone;
  if (got == 0) return IoStatus::kEof;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return IoStatus::kWantRead;
  *error = std::strerror(errno);
  return IoStatus::kError;
}

IoStatus TcpStream::Write(std::string* pending, std::string* error) {
  if (ssl_ != nullptr) {
    ERR_clear_error();
    errno = 0;
    size_t sent = 0;
    const int rc = SSL_write_ex(ssl_.get(), pending->data(), pending->size(), &sent);
    if (rc != 1) return TlsStatus(rc, error);
    pending->erase(0, sent);
    return IoStatus::kDone;
  }
  const ssize_t sent = send(fd_, pending->data(), pending->size(), MSG_NOSIGNAL);
  if (sent >= 0) {
    pending->erase(0, static_cast<size_t>(sent));
    return IoStatus::kDone;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return IoStatus::kWantWrite;
  *error = std::strerror(errno);
  return IoStatus::kError;
}

}  // namespace outage
