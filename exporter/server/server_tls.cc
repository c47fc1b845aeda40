#include "exporter/server/server_tls.h"

#include <openssl/err.h>

#include "config/tls_version.h"

namespace outage {
namespace {

std::string OpenSslError(const std::string& doing) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  return doing + ": " + text;
}

// AcceptAnyCertificate is the verify callback of RequestClientCert and
// RequireAnyClientCert: a certificate is asked for, not checked.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

// ConfigureServerContext sets up `ctx` from tls_server_config, as the
// exporter-toolkit configures Go's tls.Config; "" on success.
std::string ConfigureServerContext(const WebTlsConfig& tls, SSL_CTX* ctx) {
  std::string error;
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    error = OpenSslError("cannot load cert_file " + tls.cert_file);
  } else if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = OpenSslError("cannot load key_file " + tls.key_file);
  } else if (SSL_CTX_check_private_key(ctx) != 1) {
    error = OpenSslError("key_file does not match cert_file");
  } else if (SSL_CTX_set_min_proto_version(ctx, OpenSslTlsVersion(tls.min_version)) != 1 ||
             SSL_CTX_set_max_proto_version(ctx, OpenSslTlsVersion(tls.max_version)) != 1) {
    error = OpenSslError("cannot set the TLS version range");
  }
  const std::string& auth = tls.client_auth_type;
  const bool verify = auth == "VerifyClientCertIfGiven" || auth == "RequireAndVerifyClientCert";
  if (error.empty() && verify) {
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names == nullptr ||
        SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      error = OpenSslError("cannot load client_ca_file " + tls.client_ca_file);
      if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
    } else {
      SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
    }
  }
  if (error.empty()) {
    const int require = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    if (auth == "RequestClientCert") {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &AcceptAnyCertificate);
    } else if (auth == "RequireAnyClientCert") {
      SSL_CTX_set_verify(ctx, require, &AcceptAnyCertificate);
    } else if (auth == "VerifyClientCertIfGiven") {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else if (auth == "RequireAndVerifyClientCert") {
      SSL_CTX_set_verify(ctx, require, nullptr);
    } else {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    // Session resumption with client certificates needs a context id.
    static const unsigned char kSessionContext[] = "outage_exporter";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  }
  return error;
}

int PresentCurrentCertificate(SSL* ssl, void* watch) {
  const auto state = static_cast<WebConfigWatch*>(watch)->Current();
  // Without a loaded certificate the context's own (from start) serves.
  if (state->certificate == nullptr) return 1;
  return state->certificate->UseOn(ssl) ? 1 : 0;
}

}  // namespace

std::optional<std::string> CheckServerTls(const WebTlsConfig& tls) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return OpenSslError("cannot create TLS context");
  const std::string error = ConfigureServerContext(tls, ctx);
  SSL_CTX_free(ctx);
  if (!error.empty()) return "tls_server_config: " + error;
  return std::nullopt;
}

SSL_CTX* NewServerTlsContext(const WebTlsConfig& tls, WebConfigWatch* watch, std::string* error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    *error = OpenSslError("cannot create TLS context");
    return nullptr;
  }
  *error = ConfigureServerContext(tls, ctx);
  if (!error->empty()) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  // Writes go out as the event loop can send them; the buffer may move.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_cert_cb(ctx, &PresentCurrentCertificate, watch);
  return ctx;
}

}  // namespace outage
