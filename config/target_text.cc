// See target_text.h.
#include "config/target_text.h"

#include <cstdio>

#include "config/utf8.h"

namespace outage {

std::string TargetTextProblem(std::string_view target) {
  for (const char c : target) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", byte);
      return std::string("contains the control character ") + hex;
    }
  }
  if (!IsValidUtf8(target)) return "is not valid UTF-8";
  return "";
}

}  // namespace outage
