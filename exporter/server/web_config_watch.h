// WebConfigWatch keeps --web.config.file current while the exporter runs, as
// the exporter-toolkit reads it afresh for every connection: changed
// basic_auth_users and a rotated certificate and key (cert-manager, a
// Kubernetes secret's symlink swap) apply without a restart.
//
// The files are looked at (stat) at most once per `check_interval`, and read
// only when one of them changed. A change that does not load (bad YAML, a
// certificate whose key has not been written yet) keeps the previous state,
// is logged once, and is tried again when the files change again. Settings
// that only take effect at start (TLS on or off, client_auth_type,
// client_ca_file, min_version, max_version) are logged as needing a restart.
//
// Thread-safe: Current() is called for every request and TLS handshake.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "config/web_config_loader.h"
#include "exporter/server/basic_auth.h"

namespace outage {

// ServerCertificate is a loaded cert_file (leaf and chain) and key_file.
class ServerCertificate {
 public:
  // Load reads both files; nullptr with *error when they do not load or the
  // key does not match the certificate.
  static std::shared_ptr<const ServerCertificate> Load(const WebTlsConfig& tls, std::string* error);
  ~ServerCertificate();
  ServerCertificate(const ServerCertificate&) = delete;
  ServerCertificate& operator=(const ServerCertificate&) = delete;

  // UseOn makes `ssl` present this certificate; false on an OpenSSL error.
  bool UseOn(SSL* ssl) const;

 private:
  ServerCertificate() = default;
  X509* leaf_ = nullptr;
  STACK_OF(X509) * chain_ = nullptr;
  EVP_PKEY* key_ = nullptr;
};

class WebConfigWatch {
 public:
  using Clock = std::chrono::steady_clock;

  // WebState is one loaded version of the file. Immutable once published.
  struct WebState {
    WebConfig config;
    std::shared_ptr<const BasicAuthChecker> auth;          // null: no basic auth
    std::shared_ptr<const ServerCertificate> certificate;  // null: no TLS
  };

  // `initial` is the file as loaded (and checked) at start. `now` is
  // injectable for tests.
  WebConfigWatch(std::string path, WebConfig initial,
                 std::chrono::milliseconds check_interval = std::chrono::seconds(1),
                 std::function<Clock::time_point()> now = &Clock::now);

  // Current returns the latest state that loaded, reloading first when the
  // files changed and the last look is older than check_interval.
  std::shared_ptr<const WebState> Current();

 private:
  // Signature identifies the versions of the watched files (the web config,
  // its cert_file and key_file): device, inode, size and modification time.
  std::string Signature(const WebConfig& config) const;
  void Reload(const std::string& signature);

  const std::string path_;
  const std::chrono::milliseconds check_interval_;
  const std::function<Clock::time_point()> now_;

  std::mutex mu_;
  std::shared_ptr<const WebState> state_;  // guarded by mu_
  Clock::time_point last_check_;           // guarded by mu_
  std::string signature_;                  // guarded by mu_; of the last attempt
};

}  // namespace outage
