#include "collectors/http/curl_pinning.h"

namespace outage {

std::string UrlPart(const std::string& url, CURLUPart part, unsigned int flags) {
  CurlUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return "";
  }
  char* value = nullptr;
  if (curl_url_get(u.get(), part, &value, flags) != CURLUE_OK) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

std::string ConnectHost(const std::string& url) {
  return UrlPart(url, CURLUPART_HOST, CURLU_PUNYCODE);
}

std::string HostToResolve(const std::string& url_host) {
  if (url_host.size() >= 2 && url_host.front() == '[' && url_host.back() == ']') {
    return url_host.substr(1, url_host.size() - 2);
  }
  return url_host;
}

std::string UrlAddress(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

CurlSlist PinnedConnectTo(const std::string& url_host, const std::string& address) {
  // HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT; empty ports mean "any" and
  // "the same".
  return CurlSlist(
      curl_slist_append(nullptr, (url_host + "::" + UrlAddress(address) + ":").c_str()));
}

}  // namespace outage
