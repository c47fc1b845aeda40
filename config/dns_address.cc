#include "config/dns_address.h"

#include <algorithm>
#include <cctype>

namespace outage {
namespace {

std::optional<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::optional<DnsServerAddress> ParseDnsServerAddress(std::string_view text, std::string* error) {
  DnsServerAddress out;
  if (text.empty()) {
    *error = "empty DNS server address";
    return std::nullopt;
  }
  if (text == "system") {
    out.system = true;
    return out;
  }
  std::string_view host = text;
  std::string_view port;
  bool has_port = false;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) {
      *error = "missing ']' in address \"" + std::string(text) + "\"";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        *error = "unexpected text after ']' in address \"" + std::string(text) + "\"";
        return std::nullopt;
      }
      has_port = true;
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    // One colon is host:port; more is a bare IPv6 literal, as in Go.
    const size_t colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) {
    *error = "empty host in address \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  if (has_port) {
    const std::optional<int> parsed = ParsePort(port);
    if (!parsed) {
      *error = "invalid port \"" + std::string(port) + "\" (want 1-65535)";
      return std::nullopt;
    }
    out.port = *parsed;
    out.port_given = true;
  }
  out.host = std::string(host);
  return out;
}

}  // namespace outage
