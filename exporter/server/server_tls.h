// The listener's TLS: an OpenSSL server context built from
// tls_server_config the way the exporter-toolkit configures Go's tls.Config,
// presenting WebConfigWatch's current certificate on every handshake, so a
// rotated certificate applies without a restart.
//
// Thread-safety: functions of their arguments; the context they build is
// used from the listener's event thread.
#pragma once

#include <openssl/ssl.h>

#include <optional>
#include <string>

#include "config/web_config_loader.h"
#include "exporter/server/web_config_watch.h"

namespace outage {

// CheckServerTls loads tls_server_config's certificate, key and client CA
// the way NewServerTlsContext will; returns a one-line error, or nullopt.
std::optional<std::string> CheckServerTls(const WebTlsConfig& tls);

// NewServerTlsContext builds the context for `tls`; every handshake presents
// `watch`'s current certificate (which must outlive the context). nullptr
// with *error when it cannot be built.
SSL_CTX* NewServerTlsContext(const WebTlsConfig& tls, WebConfigWatch* watch, std::string* error);

}  // namespace outage
