#include "collectors/tcp/tls_client.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <future>
#include <memory>

#include "config/tls_version.h"

namespace outage {
namespace {

std::string QueueText() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// SystemTrustStore is the system CA bundle, loaded once, on a thread of its
// own: parsing it costs ~50 ms of CPU (seconds under ASan), far more than the
// handshake it serves, and the event loop must not stall on it. An X509_STORE
// is reference counted and only read once built, so every context shares it.
// (A CA bundle updated on disk is picked up at the next restart.)
// Never destroyed, like the store it holds.
const std::shared_future<X509_STORE*>& SystemTrustStoreLoad() {
  static const auto* const kStore = new std::shared_future<X509_STORE*>(
      std::async(std::launch::async, [] {
        X509_STORE* s = X509_STORE_new();
        if (s != nullptr && X509_STORE_set_default_paths(s) != 1) {
          X509_STORE_free(s);
          s = nullptr;
        }
        return s;
      }).share());
  return *kStore;
}

X509_STORE* SystemTrustStore() { return SystemTrustStoreLoad().get(); }

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

BioPtr PemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// AddCaPem adds every certificate of inline PEM text to ctx's trust store.
bool AddCaPem(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio = PemBio(pem);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (bio) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!cert) break;
    if (X509_STORE_add_cert(store, cert.get()) != 1) return false;
    ++added;
  }
  ERR_clear_error();  // the read past the last certificate
  return added > 0;
}

// UseCertPem loads an inline certificate chain, leaf first.
bool UseCertPem(SSL_CTX* ctx, const std::string& pem) {
  BioPtr certs = PemBio(pem);
  X509Ptr leaf(certs ? PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr) : nullptr,
               &X509_free);
  if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) return false;
  while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      return false;
    }
  }
  ERR_clear_error();  // the read past the last certificate
  return true;
}

bool UseKeyPem(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio = PemBio(pem);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free);
  return key && SSL_CTX_use_PrivateKey(ctx, key.get()) == 1;
}

// UseClientCertificate loads the client certificate and its key, each
// inline or from its file.
bool UseClientCertificate(SSL_CTX* ctx, const TlsConfig& config) {
  const bool cert = !config.cert.empty()
                        ? UseCertPem(ctx, config.cert)
                        : SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) == 1;
  const bool key = !config.key.empty() ? UseKeyPem(ctx, config.key)
                                       : SSL_CTX_use_PrivateKey_file(ctx, config.key_file.c_str(),
                                                                     SSL_FILETYPE_PEM) == 1;
  return cert && key && SSL_CTX_check_private_key(ctx) == 1;
}

bool LoadTrust(SSL_CTX* ctx, const TlsConfig& config) {
  if (!config.ca.empty()) return AddCaPem(ctx, config.ca);
  if (!config.ca_file.empty()) {
    return SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) == 1;
  }
  if (X509_STORE* store = SystemTrustStore()) {
    SSL_CTX_set1_cert_store(ctx, store);  // takes its own reference
    return true;
  }
  return SSL_CTX_set_default_verify_paths(ctx) == 1;
}

// NewContext is per session: the facts pointer is per probe, and tls_config
// files are re-read so a renewed client certificate is picked up.
SslCtxPtr NewContext(const TlsConfig& config, TlsFacts* facts, std::string* error) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    *error = "cannot create TLS context: " + QueueText();
    return nullptr;
  }
  if (!LoadTrust(ctx.get(), config)) {
    *error = "cannot load CA certificates " + (config.ca.empty() ? config.ca_file : "(inline ca)") +
             ": " + QueueText();
    return nullptr;
  }
  const bool has_client_cert = !config.cert.empty() || !config.cert_file.empty();
  if (has_client_cert && !UseClientCertificate(ctx.get(), config)) {
    *error = "cannot load client certificate " +
             (config.cert.empty() ? config.cert_file : "(inline cert)") + ": " + QueueText();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), OpenSslTlsVersion(config.min_version));
  SSL_CTX_set_max_proto_version(ctx.get(), OpenSslTlsVersion(config.max_version));
  // Verification still runs (and records facts) when skipped; only its
  // verdict is ignored.
  SSL_CTX_set_verify(ctx.get(), config.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     nullptr);
  InstallTlsFactsCapture(ctx.get(), facts);
  return ctx;
}

}  // namespace

bool SystemTrustStoreReady() {
  return SystemTrustStoreLoad().wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

SslPtr NewTlsClientSession(const TlsConfig& config, const std::string& server_name, int fd,
                           TlsFacts* facts, std::string* error) {
  SslCtxPtr ctx = NewContext(config, facts, error);
  if (!ctx) return nullptr;
  SslPtr ssl(SSL_new(ctx.get()));  // holds its own reference to ctx
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) {
    *error = "cannot create TLS session: " + QueueText();
    return nullptr;
  }
  // Like Go: SNI only for names, and the certificate must match the name or,
  // for an IP literal, carry it as an IP SAN.
  if (IsIpLiteral(server_name)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), server_name.c_str());
  } else if (!server_name.empty()) {
    SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
    SSL_set1_host(ssl.get(), server_name.c_str());
  }
  // A write that would block is retried from a string that may have moved
  // (a websocket pong queued ahead of a message starts the same bytes).
  SSL_set_mode(ssl.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_connect_state(ssl.get());
  return ssl;
}

std::string TlsErrorText(SSL* ssl) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK && (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0) {
    ERR_clear_error();
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  }
  std::string text = QueueText();
  return text.empty() ? "TLS failure" : text;
}

}  // namespace outage
