// OpenSslTlsVersion: a config's TLS version name ("TLS10" ... "TLS13", as in
// tls_config and tls_server_config) as OpenSSL's protocol version, for
// SSL_CTX_set_min_proto_version and SSL_CTX_set_max_proto_version.
#pragma once

#include <string_view>

namespace outage {

// OpenSslTlsVersion is TLS1_VERSION ... TLS1_3_VERSION for "TLS10" ...
// "TLS13"; 0 (OpenSSL's own bound) for "" or any other text.
int OpenSslTlsVersion(std::string_view name);

}  // namespace outage
