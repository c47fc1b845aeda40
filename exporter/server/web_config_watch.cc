#include "exporter/server/web_config_watch.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <utility>

#include "exporter/logger.h"

namespace outage {
namespace {

std::string OpenSslReason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  return text;
}

// FileVersion is "dev:inode:size:mtime" of `path` (following symlinks, so a
// swapped Kubernetes secret link counts as a change), or "missing".
std::string FileVersion(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "missing";
  char out[128];
  std::snprintf(out, sizeof out, "%llu:%llu:%lld:%lld.%09ld",
                static_cast<unsigned long long>(st.st_dev),
                static_cast<unsigned long long>(st.st_ino), static_cast<long long>(st.st_size),
                static_cast<long long>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec);
  return out;
}

// RestartOnlyChanges names the settings of `next` that differ from `running`
// but only apply at start; "" when there are none.
std::string RestartOnlyChanges(const WebConfig& running, const WebConfig& next) {
  if (running.tls.has_value() != next.tls.has_value()) return "tls_server_config";
  if (!running.tls) return "";
  std::string out;
  const auto note = [&out](bool changed, const char* name) {
    if (changed) out += (out.empty() ? "" : ", ") + std::string(name);
  };
  note(running.tls->client_auth_type != next.tls->client_auth_type, "client_auth_type");
  note(running.tls->client_ca_file != next.tls->client_ca_file, "client_ca_file");
  note(running.tls->min_version != next.tls->min_version, "min_version");
  note(running.tls->max_version != next.tls->max_version, "max_version");
  return out;
}

}  // namespace

std::shared_ptr<const ServerCertificate> ServerCertificate::Load(const WebTlsConfig& tls,
                                                                 std::string* error) {
  std::shared_ptr<ServerCertificate> out(new ServerCertificate());
  BIO* certs = BIO_new_file(tls.cert_file.c_str(), "r");
  if (certs == nullptr) {
    *error = "cannot read cert_file " + tls.cert_file + ": " + OpenSslReason();
    return nullptr;
  }
  out->leaf_ = PEM_read_bio_X509_AUX(certs, nullptr, nullptr, nullptr);
  out->chain_ = sk_X509_new_null();
  while (out->leaf_ != nullptr && out->chain_ != nullptr) {
    X509* next = PEM_read_bio_X509(certs, nullptr, nullptr, nullptr);
    if (next == nullptr) break;
    sk_X509_push(out->chain_, next);
  }
  BIO_free(certs);
  ERR_clear_error();  // the end of the file reads as an error
  if (out->leaf_ == nullptr) {
    *error = "no certificate in cert_file " + tls.cert_file;
    return nullptr;
  }
  BIO* key = BIO_new_file(tls.key_file.c_str(), "r");
  if (key != nullptr) {
    out->key_ = PEM_read_bio_PrivateKey(key, nullptr, nullptr, nullptr);
    BIO_free(key);
  }
  if (out->key_ == nullptr) {
    *error = "cannot read key_file " + tls.key_file + ": " + OpenSslReason();
    return nullptr;
  }
  if (X509_check_private_key(out->leaf_, out->key_) != 1) {
    ERR_clear_error();
    *error = "key_file does not match cert_file";
    return nullptr;
  }
  return out;
}

ServerCertificate::~ServerCertificate() {
  X509_free(leaf_);
  if (chain_ != nullptr) sk_X509_pop_free(chain_, X509_free);
  EVP_PKEY_free(key_);
}

bool ServerCertificate::UseOn(SSL* ssl) const {
  // override=1: replace what the context gave this connection.
  return SSL_use_cert_and_key(ssl, leaf_, key_, chain_, 1) == 1;
}

WebConfigWatch::WebConfigWatch(std::string path, WebConfig initial,
                               std::chrono::milliseconds check_interval,
                               std::function<Clock::time_point()> now)
    : path_(std::move(path)), check_interval_(check_interval), now_(std::move(now)) {
  auto state = std::make_shared<WebState>();
  if (!initial.basic_auth_users.empty()) {
    state->auth = std::make_shared<const BasicAuthChecker>(initial.basic_auth_users);
  }
  if (initial.tls) {
    std::string error;
    state->certificate = ServerCertificate::Load(*initial.tls, &error);
    // Start() checked these files a moment ago; if they changed since, the
    // context's own copy serves until a reload succeeds.
    if (!state->certificate) Log().Warn("Cannot load the TLS certificate", {{"err", error}});
  }
  signature_ = Signature(initial);
  state->config = std::move(initial);
  state_ = std::move(state);
  last_check_ = now_();
}

std::string WebConfigWatch::Signature(const WebConfig& config) const {
  std::string out = FileVersion(path_);
  if (config.tls) {
    out += "|" + FileVersion(config.tls->cert_file) + "|" + FileVersion(config.tls->key_file);
  }
  return out;
}

std::shared_ptr<const WebConfigWatch::WebState> WebConfigWatch::Current() {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::time_point now = now_();
  if (now - last_check_ >= check_interval_) {
    last_check_ = now;
    const std::string signature = Signature(state_->config);
    if (signature != signature_) Reload(signature);
  }
  return state_;
}

void WebConfigWatch::Reload(const std::string& signature) {
  signature_ = signature;  // a failure is retried once the files change again
  WebConfigResult loaded = LoadWebConfigFile(path_);
  if (auto* e = std::get_if<ConfigError>(&loaded)) {
    Log().Warn("Web config reload failed; keeping the previous one", {{"err", e->ToString()}});
    return;
  }
  WebConfig next = std::get<WebConfig>(std::move(loaded));
  // The signature the next look compares with covers the new cert and key.
  signature_ = Signature(next);
  if (const std::string fixed = RestartOnlyChanges(state_->config, next); !fixed.empty()) {
    Log().Warn("Web config changes that apply only after a restart", {{"settings", fixed}});
  }
  auto state = std::make_shared<WebState>(*state_);
  if (next.basic_auth_users != state_->config.basic_auth_users) {
    state->auth = next.basic_auth_users.empty()
                      ? nullptr
                      : std::make_shared<const BasicAuthChecker>(next.basic_auth_users);
  }
  if (next.tls && state_->config.tls) {
    std::string error;
    auto certificate = ServerCertificate::Load(*next.tls, &error);
    if (!certificate) {
      Log().Warn("TLS certificate reload failed; serving the previous one", {{"err", error}});
    } else {
      state->certificate = std::move(certificate);
    }
  }
  // TLS settings that cannot change while running stay as they started.
  if (state_->config.tls && next.tls) {
    WebTlsConfig kept = *state_->config.tls;
    kept.cert_file = next.tls->cert_file;
    kept.key_file = next.tls->key_file;
    next.tls = kept;
  } else {
    next.tls = state_->config.tls;
  }
  state->config = std::move(next);
  state_ = std::move(state);
  Log().Info("Web config reloaded", {{"file", path_},
                                     {"basic_auth", state_->auth ? "true" : "false"},
                                     {"tls", state_->certificate ? "true" : "false"}});
}

}  // namespace outage
