#include "collectors/http/curl_pinning.h"

namespace outage {

namespace {

std::string Part(CURLU* parsed, CURLUPart part, unsigned int flags) {
  char* value = nullptr;
  if (curl_url_get(parsed, part, &value, flags) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

ParsedUrl ParseUrl(CURLU* parsed, const std::string& url) {
  ParsedUrl out;
  out.text = url;
  out.scheme = Part(parsed, CURLUPART_SCHEME, 0);
  out.host = Part(parsed, CURLUPART_HOST, 0);
  out.connect_host = Part(parsed, CURLUPART_HOST, CURLU_PUNYCODE);
  out.port = Part(parsed, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return out;
}

ParsedUrl ParseUrl(const std::string& url) {
  CurlUrl u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    ParsedUrl out;
    out.text = url;
    return out;
  }
  return ParseUrl(u.get(), url);
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
