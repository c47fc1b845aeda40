// See hostname_param.h.
#include "exporter/hostname_param.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace outage {
namespace {

constexpr size_t kMaxHostnameLength = 255 + 6;  // a DNS name and ":port"

// ServerName is `hostname` without a port; IPv6 literals lose their brackets.
std::string ServerName(const std::string& hostname) {
  if (!hostname.empty() && hostname.front() == '[') {
    const size_t close = hostname.find(']');
    return hostname.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  const size_t colon = hostname.find(':');
  return colon == std::string::npos ? hostname : hostname.substr(0, colon);
}

}  // namespace

std::optional<std::string> HostnameProblem(const std::string& hostname) {
  if (hostname.empty()) return "empty";
  if (hostname.size() > kMaxHostnameLength) return "too long";
  const bool allowed = std::all_of(hostname.begin(), hostname.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == ':' || c == '[' || c == ']';
  });
  if (!allowed) return "want a host name or address, optionally with :port";
  return std::nullopt;
}

std::shared_ptr<const Module> WithHostname(const Module& module, const std::string& hostname,
                                           std::string* error) {
  auto copy = std::make_shared<Module>(module);
  if (module.prober == "http") {
    LabelPairs& headers = copy->http.headers;
    for (const auto& [name, value] : headers) {
      if (strcasecmp(name.c_str(), "host") == 0 && value != hostname) {
        *error = "host header defined both in module configuration (" + value +
                 ") and with URL-parameter 'hostname' (" + hostname + ")";
        return nullptr;
      }
    }
    headers.erase(
        std::remove_if(headers.begin(), headers.end(),
                       [](const auto& h) { return strcasecmp(h.first.c_str(), "host") == 0; }),
        headers.end());
    headers.emplace_back("Host", hostname);
    if (copy->http.tls_config.server_name.empty()) {
      copy->http.tls_config.server_name = ServerName(hostname);
    }
  } else if (module.prober == "tcp" && copy->tcp.tls_config.server_name.empty()) {
    copy->tcp.tls_config.server_name = ServerName(hostname);
  }
  return copy;
}

}  // namespace outage
