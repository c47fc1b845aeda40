// See host_literal_check.h.
#include "host_literal_check.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdint>
#include <cstring>

namespace outage::testing {
namespace {

bool IsNonPublicIpv4(const uint8_t a[4]) {
  const uint32_t ip =
      (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3];
  struct Range {
    uint32_t network;
    int prefix;
  };
  static constexpr Range kRanges[] = {
      {0x00000000, 8},   // 0.0.0.0/8, "this network" and unspecified
      {0x0A000000, 8},   // 10.0.0.0/8, private
      {0x64400000, 10},  // 100.64.0.0/10, shared (carrier-grade NAT)
      {0x7F000000, 8},   // 127.0.0.0/8, loopback
      {0xA9FE0000, 16},  // 169.254.0.0/16, link-local
      {0xAC100000, 12},  // 172.16.0.0/12, private
      {0xC0000200, 24},  // 192.0.2.0/24, TEST-NET-1
      {0xC0A80000, 16},  // 192.168.0.0/16, private
      {0xC6336400, 24},  // 198.51.100.0/24, TEST-NET-2
      {0xCB007100, 24},  // 203.0.113.0/24, TEST-NET-3
  };
  for (const Range& range : kRanges) {
    const uint32_t mask = ~uint32_t{0} << (32 - range.prefix);
    if ((ip & mask) == range.network) return true;
  }
  return false;
}

bool IsNonPublicIpv6(const uint8_t a[16]) {
  static constexpr uint8_t kZero[16] = {};
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, kZero, 15) == 0 && a[15] <= 1) return true;  // :: ::1
  if (std::memcmp(a, kMappedPrefix, 12) == 0) return IsNonPublicIpv4(a + 12);
  if ((a[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 ULA
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return true;  // fe80::/10
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) {
    return true;  // 2001:db8::/32, documentation
  }
  return a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0;  // 3fff::/20
}

bool IsCandidateChar(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

// CheckIpv4 records `piece` if it is a public IPv4 literal.
void CheckIpv4(std::string piece, std::vector<std::string>* out) {
  while (!piece.empty() && piece.back() == '.') piece.pop_back();
  uint8_t v4[4];
  if (inet_pton(AF_INET, piece.c_str(), v4) == 1 && !IsNonPublicIpv4(v4)) {
    out->push_back(piece);
  }
}

}  // namespace

std::vector<std::string> FindPublicIpLiterals(const std::string& text) {
  std::vector<std::string> found;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsCandidateChar(text[i])) {
      ++i;
      continue;
    }
    // Skip runs glued to a word ("v1.2.3.4" is a version, not an address).
    const bool glued = i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
                                 text[i - 1] == '_' || text[i - 1] == '-');
    size_t end = i;
    while (end < text.size() && IsCandidateChar(text[end])) ++end;
    const std::string run = text.substr(i, end - i);
    i = end;
    if (glued) continue;
    uint8_t v6[16];
    if (run.find(':') != std::string::npos && inet_pton(AF_INET6, run.c_str(), v6) == 1) {
      if (!IsNonPublicIpv6(v6)) found.push_back(run);
      continue;
    }
    // Not IPv6 as a whole: maybe host:port, or a key glued by a colon.
    size_t start = 0;
    while (start <= run.size()) {
      size_t colon = run.find(':', start);
      if (colon == std::string::npos) colon = run.size();
      CheckIpv4(run.substr(start, colon - start), &found);
      start = colon + 1;
    }
  }
  return found;
}

}  // namespace outage::testing
