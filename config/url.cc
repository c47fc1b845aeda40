// See url.h.
#include "config/url.h"

#include <cctype>
#include <string_view>

namespace outage {
namespace {

struct Authority {
  size_t begin = 0;  // index in the URL where the authority starts
  size_t end = 0;    // one past its last character
};

// FindAuthority locates "scheme://<authority>" in text.
bool FindAuthority(const std::string& text, Authority* out) {
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return false;
  for (size_t i = 0; i < scheme_end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  out->begin = scheme_end + 3;
  out->end = text.find_first_of("/?#", out->begin);
  if (out->end == std::string::npos) out->end = text.size();
  return true;
}

bool IsValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

}  // namespace

bool IsHttpUrl(const std::string& text) {
  Authority authority;
  if (!FindAuthority(text, &authority)) return false;
  std::string scheme = text.substr(0, authority.begin - 3);
  for (char& c : scheme) c = static_cast<char>(std::tolower(c));
  if (scheme != "http" && scheme != "https") return false;
  if (text.find_first_of(" \t\r\n") != std::string::npos) return false;
  std::string_view host_port(text);
  host_port = host_port.substr(authority.begin, authority.end - authority.begin);
  const size_t at = host_port.rfind('@');
  if (at != std::string_view::npos) host_port.remove_prefix(at + 1);
  std::string_view host = host_port;
  std::string_view port;
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    host = host_port.substr(0, close + 1);
    const std::string_view rest = host_port.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (!IsValidPort(port)) return false;
    }
  } else {
    const size_t colon = host_port.find(':');
    if (colon != std::string_view::npos) {
      host = host_port.substr(0, colon);
      if (!IsValidPort(host_port.substr(colon + 1))) return false;
    }
  }
  return !host.empty();
}

std::string RedactUrlPassword(const std::string& text) {
  // A scheme-less target ("user:pw@host:port") is probed as http://text, and
  // so is a malformed one ("http:user:pw@host"): the authority then starts
  // at the beginning, and everything up to its last '@' is userinfo.
  Authority authority;
  if (!FindAuthority(text, &authority)) {
    authority.begin = 0;
    authority.end = text.find_first_of("/?#");
    if (authority.end == std::string::npos) authority.end = text.size();
  }
  const size_t at = text.rfind('@', authority.end == 0 ? 0 : authority.end - 1);
  if (at == std::string::npos || at < authority.begin || at >= authority.end) return text;
  const std::string_view userinfo(text.data() + authority.begin, at - authority.begin);
  // The password follows the first ':' (or a percent-encoded one, which
  // curl decodes into the user name and sends all the same).
  size_t secret = userinfo.find(':');
  if (secret != std::string_view::npos) {
    secret += 1;
  } else {
    for (size_t i = 0; i + 3 <= userinfo.size(); ++i) {
      if (userinfo[i] == '%' && userinfo[i + 1] == '3' && (userinfo[i + 2] | 0x20) == 'a') {
        secret = i + 3;
        break;
      }
    }
    if (secret == std::string_view::npos) return text;
  }
  return text.substr(0, authority.begin + secret) + "<secret>" + text.substr(at);
}

}  // namespace outage
