#include "collectors/http/curl_tls_options.h"

#include <string>

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
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(easy, CURLOPT_SSLVERSION,
                   TlsVersionOption(tls.min_version) | TlsMaxVersionOption(tls.max_version));
}

}  // namespace outage
