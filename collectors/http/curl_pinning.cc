#include "collectors/http/curl_pinning.h"

#include <idn2.h>

#include <cstdint>

namespace outage {

namespace {

bool IsAscii(const std::string& s) {
  for (const unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// PunycodeHost converts a host in UTF-8 to the ASCII name that is looked up
// and sent, as Go's idna.Lookup does. libidn2's UTF-8 entry point is used
// rather than libcurl's conversion, which goes through the process locale
// and fails for every non-ASCII name in the "C" locale a daemon runs in.
std::string PunycodeHost(const std::string& host, std::string* error) {
  uint8_t* ascii = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(host.c_str()), &ascii,
                                IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  std::string out;
  if (rc == IDN2_OK && ascii != nullptr) {
    out = reinterpret_cast<const char*>(ascii);
  } else if (error != nullptr) {
    *error = std::string("invalid international host name: ") + idn2_strerror(rc);
  }
  idn2_free(ascii);
  return out;
}

}  // namespace

ParsedUrl ParseUrl(CURLU* parsed, const std::string& url, std::string* error) {
  ParsedUrl out;
  out.text = url;
  out.host = CurlUrlPart(parsed, CURLUPART_HOST);
  out.connect_host = out.host;
  if (!IsAscii(out.host)) {
    out.connect_host = PunycodeHost(out.host, error);
    if (out.connect_host.empty() ||
        curl_url_set(parsed, CURLUPART_HOST, out.connect_host.c_str(), 0) != CURLUE_OK) {
      ParsedUrl bad;
      bad.text = url;
      return bad;
    }
    out.text = CurlUrlPart(parsed, CURLUPART_URL);
  }
  out.scheme = CurlUrlPart(parsed, CURLUPART_SCHEME);
  out.port = CurlUrlPart(parsed, CURLUPART_PORT, CURLU_DEFAULT_PORT);
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
