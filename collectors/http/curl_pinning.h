// Pinning a libcurl transfer to an address we resolved ourselves (with the
// shared c-ares resolver), so libcurl never resolves a name: its threaded
// resolver would start a thread per lookup and close its wake-up socket
// behind the event loop's back.
#pragma once

#include <curl/curl.h>

#include <string>

#include "collectors/http/curl_handles.h"

namespace outage {

// ParsedUrl is an absolute URL taken apart once, by libcurl's parser: one
// per hop of a probe, so no step of the hop parses it again.
struct ParsedUrl {
  std::string text;          // the URL handed to libcurl: a non-ASCII host in punycode
  std::string scheme;        // lower case; "" when `text` does not parse
  std::string host;          // as written; an IPv6 literal keeps its brackets
  std::string connect_host;  // as looked up and sent: punycode
  std::string port;          // the scheme's default when the URL has none

  bool https() const { return scheme == "https"; }
};

// ParseUrl takes an absolute URL apart; every field but `text` is empty when
// it does not parse or its host is not a valid international name.
ParsedUrl ParseUrl(const std::string& url);
// ParseUrl reads the parts from `parsed`, a handle already set to `url`; a
// non-ASCII host is set to its punycode form in `parsed`. A host that is not
// a valid international name leaves the parts empty and says why in `error`.
ParsedUrl ParseUrl(CURLU* parsed, const std::string& url, std::string* error = nullptr);

// HostToResolve turns a URL's host into the name (or bare address literal)
// to look up: "[2001:db8::1]" becomes "2001:db8::1".
std::string HostToResolve(const std::string& url_host);

// UrlAddress writes an address literal as a URL host: IPv6 in brackets.
std::string UrlAddress(const std::string& address);

// PinnedConnectTo returns a CURLOPT_CONNECT_TO list sending every connection
// to `url_host` (spelt as in the URL), on any port, to the address literal
// `address` on the same port. Per transfer, unlike CURLOPT_RESOLVE, which
// would fill the multi handle's shared DNS cache.
CurlSlist PinnedConnectTo(const std::string& url_host, const std::string& address);

}  // namespace outage
