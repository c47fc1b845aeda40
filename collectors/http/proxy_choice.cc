// See proxy_choice.h.
#include "collectors/http/proxy_choice.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cstdlib>
#include <cstring>

#include "collectors/http/curl_pinning.h"
#include "collectors/http/header_text.h"

namespace outage {
namespace {

struct Environment {
  std::string http_proxy;
  std::string https_proxy;
  std::string no_proxy;
};

std::string GetEnvAny(const char* upper, const char* lower) {
  for (const char* name : {upper, lower}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "";
}

// ProcessEnvironment is read once, as Go's http.ProxyFromEnvironment does.
const Environment& ProcessEnvironment() {
  static const Environment kEnvironment{GetEnvAny("HTTP_PROXY", "http_proxy"),
                                        GetEnvAny("HTTPS_PROXY", "https_proxy"),
                                        GetEnvAny("NO_PROXY", "no_proxy")};
  return kEnvironment;
}

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  return std::string(text.substr(begin, text.find_last_not_of(" \t") - begin + 1));
}

// Ip is a parsed IPv4 or IPv6 address.
struct Ip {
  bool v6 = false;
  unsigned char bytes[16] = {};
};

bool ParseIp(const std::string& text, Ip* out) {
  if (inet_pton(AF_INET, text.c_str(), out->bytes) == 1) {
    out->v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), out->bytes) == 1) {
    out->v6 = true;
    return true;
  }
  return false;
}

bool IsLoopback(const Ip& ip) {
  if (!ip.v6) return ip.bytes[0] == 127;
  static const unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(ip.bytes, kLoopback6, 16) == 0;
}

// InNetwork reports whether `ip` lies in prefix/bits (same family).
bool InNetwork(const Ip& ip, const Ip& prefix, int bits) {
  if (ip.v6 != prefix.v6) return false;
  for (int i = 0; i < bits / 8; ++i) {
    if (ip.bytes[i] != prefix.bytes[i]) return false;
  }
  if (bits % 8 == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - bits % 8));
  return (ip.bytes[bits / 8] & mask) == (prefix.bytes[bits / 8] & mask);
}

// SplitEntryPort splits "host:port" or "[v6]:port"; a bare host (or a bare
// IPv6 literal) has no port.
void SplitEntryPort(const std::string& entry, std::string* host, std::string* port) {
  *host = entry;
  port->clear();
  if (!entry.empty() && entry.front() == '[') {
    const size_t close = entry.find(']');
    if (close == std::string::npos) return;
    *host = entry.substr(1, close - 1);
    if (close + 1 < entry.size() && entry[close + 1] == ':') *port = entry.substr(close + 2);
    return;
  }
  const size_t colon = entry.find(':');
  if (colon != std::string::npos && entry.find(':', colon + 1) == std::string::npos) {
    *host = entry.substr(0, colon);
    *port = entry.substr(colon + 1);
  }
}

// Excluded applies the NO_PROXY list to a request's host and port.
bool Excluded(const std::string& no_proxy, const std::string& host, const std::string& port) {
  Ip host_ip;
  const bool host_is_ip = ParseIp(host, &host_ip);
  size_t start = 0;
  while (start <= no_proxy.size()) {
    size_t end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    const std::string entry = LowerAscii(Trim(no_proxy.substr(start, end - start)));
    start = end + 1;
    if (entry.empty()) continue;
    if (entry == "*") return true;
    const size_t slash = entry.find('/');
    if (slash != std::string::npos) {  // a CIDR
      Ip prefix;
      const int bits = std::atoi(entry.c_str() + slash + 1);
      if (host_is_ip && ParseIp(entry.substr(0, slash), &prefix) && bits >= 0 &&
          bits <= (prefix.v6 ? 128 : 32) && InNetwork(host_ip, prefix, bits)) {
        return true;
      }
      continue;
    }
    std::string entry_host;
    std::string entry_port;
    SplitEntryPort(entry, &entry_host, &entry_port);
    if (entry_host.empty()) continue;
    const bool port_ok = entry_port.empty() || entry_port == port;
    Ip entry_ip;
    if (ParseIp(entry_host, &entry_ip)) {
      if (host_is_ip && port_ok && entry_ip.v6 == host_ip.v6 &&
          std::memcmp(entry_ip.bytes, host_ip.bytes, entry_ip.v6 ? 16 : 4) == 0) {
        return true;
      }
      continue;
    }
    // "example.com" matches it and its subdomains; ".example.com" and
    // "*.example.com" only the subdomains.
    if (entry_host.rfind("*.", 0) == 0) entry_host.erase(0, 1);
    const bool match_host = entry_host.front() != '.';
    if (match_host) entry_host.insert(0, ".");
    const bool suffix =
        host.size() >= entry_host.size() &&
        host.compare(host.size() - entry_host.size(), entry_host.size(), entry_host) == 0;
    if ((suffix || (match_host && host == entry_host.substr(1))) && port_ok) return true;
  }
  return false;
}

}  // namespace

ProxyRule ProxyRuleFor(const HttpProbe& config) {
  if (config.proxy_from_environment) {
    const Environment& env = ProcessEnvironment();
    return {env.http_proxy, env.https_proxy, env.no_proxy, true};
  }
  return {config.proxy_url, config.proxy_url, config.no_proxy, !config.no_proxy.empty()};
}

std::string ProxyFor(const ProxyRule& rule, const ParsedUrl& url) {
  std::string proxy = url.https() ? rule.https_proxy : rule.http_proxy;
  if (proxy.empty()) return "";
  if (rule.bypass_loopback) {
    const std::string host = LowerAscii(HostToResolve(url.host));
    const std::string& port = url.port;
    Ip ip;
    if (host == "localhost" || (ParseIp(host, &ip) && IsLoopback(ip))) return "";
    if (Excluded(rule.no_proxy, host, port)) return "";
  }
  if (proxy.find("://") == std::string::npos) proxy.insert(0, "http://");
  return proxy;
}

}  // namespace outage
