// See utf8.h.
#include "config/utf8.h"

#include <cstdint>
#include <cstring>

namespace outage {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// ValidPrefix returns the length of the valid UTF-8 sequence at the start of
// `text`, or 0 when it starts with an invalid one; *invalid_length is then
// the length of the maximal invalid subsequence (at least 1).
size_t ValidPrefix(std::string_view text, size_t* invalid_length) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(0);
  *invalid_length = 1;
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t low = 0x80;
  uint8_t high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    if (i >= text.size()) return 0;
    const uint8_t lo = i == 1 ? low : 0x80;
    const uint8_t hi = i == 1 ? high : 0xBF;
    if (byte(i) < lo || byte(i) > hi) return 0;
    *invalid_length = i + 1;
  }
  return length;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t invalid = 0;
  while (!text.empty()) {
    // Label values and log fields are mostly ASCII: pass it eight bytes at
    // a time.
    while (text.size() >= sizeof(uint64_t)) {
      uint64_t word = 0;
      std::memcpy(&word, text.data(), sizeof word);
      if ((word & 0x8080808080808080ULL) != 0) break;
      text.remove_prefix(sizeof word);
    }
    if (text.empty()) break;
    const size_t n = ValidPrefix(text, &invalid);
    if (n == 0) return false;
    text.remove_prefix(n);
  }
  return true;
}

std::string ValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  size_t invalid = 0;
  while (!text.empty()) {
    const size_t n = ValidPrefix(text, &invalid);
    if (n == 0) {
      out += kReplacement;
      text.remove_prefix(invalid);
    } else {
      out.append(text.data(), n);
      text.remove_prefix(n);
    }
  }
  return out;
}

std::string_view AsValidUtf8(std::string_view text, std::string* storage) {
  if (IsValidUtf8(text)) return text;
  *storage = ValidUtf8(text);
  return *storage;
}

}  // namespace outage
