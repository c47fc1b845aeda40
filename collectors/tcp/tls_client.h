// OpenSSL client sessions for the TCP prober, configured from a module's
// tls_config the way Go's crypto/tls reads Prometheus' TLSConfig.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "collectors/tls_facts.h"
#include "config/config.h"

namespace outage {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

// NewTlsClientSession returns a client session for the connected socket
// `fd` (not owned), verifying the peer as `server_name` (a DNS name or an IP
// literal) unless insecure_skip_verify, and recording certificate facts into
// *facts (which must outlive the session). nullptr with *error on a
// configuration problem such as an unreadable ca_file.
SslPtr NewTlsClientSession(const TlsConfig& config, const std::string& server_name, int fd,
                           TlsFacts* facts, std::string* error);

// SystemTrustStoreReady says whether the system CA bundle, which sessions
// without a ca_file verify against, has loaded. The first call starts loading
// it on a thread of its own (~50 ms of CPU, seconds under ASan); until it is
// ready, NewTlsClientSession would block on it, so the event loop asks first.
bool SystemTrustStoreReady();

// TlsErrorText describes why the last OpenSSL call on `ssl` failed: the
// certificate verification error if there is one, else OpenSSL's error queue
// (which it empties). One line, for the probe log.
std::string TlsErrorText(SSL* ssl);

}  // namespace outage
