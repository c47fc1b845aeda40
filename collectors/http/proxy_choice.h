// Which proxy, if any, one HTTP request goes through, with the rules of Go's
// golang.org/x/net/http/httpproxy that blackbox's client uses: proxy_url
// for everything; proxy_url with no_proxy; or proxy_from_environment
// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, upper case first, then lower case).
//
// Thread-safe: pure functions; the environment is read once, at first use.
#pragma once

#include <string>

#include "collectors/http/curl_pinning.h"
#include "config/config.h"

namespace outage {

// ProxyRule is where a module's proxy settings point: the proxy for http
// and for https URLs ("" = none) and the NO_PROXY-style exceptions.
struct ProxyRule {
  std::string http_proxy;
  std::string https_proxy;
  std::string no_proxy;  // comma-separated hosts, domains, IPs, CIDRs, "*"
  // With no_proxy or the environment, Go never proxies localhost or a
  // loopback address; a lone proxy_url proxies everything.
  bool bypass_loopback = false;
};

// ProxyRuleFor builds the rule for a module; the environment is the
// process's, read once.
ProxyRule ProxyRuleFor(const HttpProbe& config);

// ProxyFor returns the proxy `url` goes through under `rule`, "" for a
// direct connection. A proxy without a scheme is taken as http://.
std::string ProxyFor(const ProxyRule& rule, const ParsedUrl& url);

}  // namespace outage
