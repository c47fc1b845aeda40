// See tls_version.h.
#include "config/tls_version.h"

#include <openssl/ssl.h>

namespace outage {

int OpenSslTlsVersion(std::string_view name) {
  if (name == "TLS10") return TLS1_VERSION;
  if (name == "TLS11") return TLS1_1_VERSION;
  if (name == "TLS12") return TLS1_2_VERSION;
  if (name == "TLS13") return TLS1_3_VERSION;
  return 0;
}

}  // namespace outage
