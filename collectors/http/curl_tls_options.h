// Applying a module's tls_config to a libcurl transfer, shared by the HTTP
// and gRPC probers.
#pragma once

#include <curl/curl.h>

#include "config/config.h"

namespace outage {

// SetCurlTlsOptions sets the CA file, client certificate and key,
// verification (off with insecure_skip_verify) and the TLS version bounds.
// server_name is left to the caller: it changes which host is asked for.
void SetCurlTlsOptions(CURL* easy, const TlsConfig& tls);

}  // namespace outage
