#include "collectors/tcp/host_port.h"

namespace outage {

HostPort SplitHostPort(std::string_view target) {
  HostPort out;
  const size_t colon = target.rfind(':');
  if (colon == std::string_view::npos) {
    out.error = "missing port in target (want host:port)";
    return out;
  }
  std::string_view host = target.substr(0, colon);
  const std::string_view port = target.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') {
      out.error = "missing ']' in target";
      return out;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    out.error = "too many colons in target (write an IPv6 address as [addr]:port)";
    return out;
  }
  if (host.empty()) {
    out.error = "missing host in target (want host:port)";
    return out;
  }
  if (host.find_first_of("[] /") != std::string_view::npos) {
    out.error = "invalid host in target";
    return out;
  }
  int value = 0;
  bool ok = !port.empty() && port.size() <= 5;
  for (char c : port) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < 1 || value > 65535) {
    out.error = "invalid port \"" + std::string(port) + "\" in target (want 1-65535)";
    return out;
  }
  out.host = std::string(host);
  out.port = value;
  return out;
}

}  // namespace outage
