#include "tests/integration/security_tls_client.h"

#include <curl/curl.h>

namespace outage::test {
namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

TlsGetResult TlsGet(const std::string& url, const std::string& ca_file,
                    const std::string& cert_file, const std::string& key_file) {
  TlsGetResult result;
  CURL* easy = curl_easy_init();
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(easy, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Discard);
  if (!cert_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_SSLCERT, cert_file.c_str());
    curl_easy_setopt(easy, CURLOPT_SSLKEY, key_file.c_str());
  }
  const CURLcode code = curl_easy_perform(easy);
  if (code == CURLE_OK) {
    result.ok = true;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
  } else {
    result.error = error[0] ? error : curl_easy_strerror(code);
  }
  curl_easy_cleanup(easy);
  return result;
}

}  // namespace outage::test
