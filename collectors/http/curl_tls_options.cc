#include "collectors/http/curl_tls_options.h"

#include <string>
#include <utility>

namespace outage {
namespace {

long TlsVersionOption(const std::string& v) {
  if (v == "TLS10") return CURL_SSLVERSION_TLSv1_0;
  if (v == "TLS11") return CURL_SSLVERSION_TLSv1_1;
  if (v == "TLS12") return CURL_SSLVERSION_TLSv1_2;
  if (v == "TLS13") return CURL_SSLVERSION_TLSv1_3;
  return CURL_SSLVERSION_DEFAULT;
}

long TlsMaxVersionOption(const std::string& v) {
  if (v == "TLS10") return CURL_SSLVERSION_MAX_TLSv1_0;
  if (v == "TLS11") return CURL_SSLVERSION_MAX_TLSv1_1;
  if (v == "TLS12") return CURL_SSLVERSION_MAX_TLSv1_2;
  if (v == "TLS13") return CURL_SSLVERSION_MAX_TLSv1_3;
  return CURL_SSLVERSION_MAX_DEFAULT;
}

}  // namespace

void SetCurlTlsOptions(CURL* easy, const TlsConfig& tls) {
  if (!tls.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.key_file.c_str());
  // Inline PEM: curl copies each blob, so the config may go away first.
  const std::pair<CURLoption, const std::string*> blobs[] = {{CURLOPT_CAINFO_BLOB, &tls.ca},
                                                             {CURLOPT_SSLCERT_BLOB, &tls.cert},
                                                             {CURLOPT_SSLKEY_BLOB, &tls.key}};
  for (const auto& [option, pem] : blobs) {
    if (pem->empty()) continue;
    curl_blob blob{const_cast<char*>(pem->data()), pem->size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, option, &blob);
  }
  if (!tls.cert.empty()) curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
  if (!tls.key.empty()) curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(easy, CURLOPT_SSLVERSION,
                   TlsVersionOption(tls.min_version) | TlsMaxVersionOption(tls.max_version));
}

}  // namespace outage
