// One HTTPS GET with an optional client certificate, for the mTLS tests
// (tests/support's client has no client certificates).
#pragma once

#include <string>

namespace outage::test {

struct TlsGetResult {
  bool ok = false;  // a complete HTTP response arrived
  long status = 0;
  std::string error;  // curl's error when !ok
};

// TlsGet fetches `url` trusting `ca_file`, presenting cert_file/key_file
// when set. Thread-safe.
TlsGetResult TlsGet(const std::string& url, const std::string& ca_file,
                    const std::string& cert_file = "", const std::string& key_file = "");

}  // namespace outage::test
