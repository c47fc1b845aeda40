// See byte_size.h.
#include "config/byte_size.h"

#include <limits>

namespace outage {
namespace {

struct ByteUnit {
  std::string_view name;
  int64_t bytes;
};

constexpr int64_t kKiB = 1024;
constexpr ByteUnit kByteUnits[] = {
    {"B", 1},
    {"KB", kKiB},
    {"MB", kKiB* kKiB},
    {"GB", kKiB* kKiB* kKiB},
    {"TB", kKiB* kKiB* kKiB* kKiB},
    {"PB", kKiB* kKiB* kKiB* kKiB* kKiB},
    {"KiB", kKiB},
    {"MiB", kKiB* kKiB},
    {"GiB", kKiB* kKiB* kKiB},
    {"TiB", kKiB* kKiB* kKiB* kKiB},
    {"PiB", kKiB* kKiB* kKiB* kKiB* kKiB},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<int64_t> ParseByteSize(std::string_view text) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t whole = 0;
  size_t i = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    const int digit = text[i] - '0';
    if (whole > (kMax - digit) / 10) return std::nullopt;
    whole = whole * 10 + digit;
  }
  if (i == 0) return std::nullopt;
  // Up to 15 fraction digits; more cannot change a whole-byte result below
  // the petabyte range and would overflow the arithmetic below.
  int64_t fraction = 0;
  int64_t fraction_scale = 1;
  if (i < text.size() && text[i] == '.') {
    const size_t fraction_start = ++i;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      if (fraction_scale < 1'000'000'000'000'000) {
        fraction = fraction * 10 + (text[i] - '0');
        fraction_scale *= 10;
      }
    }
    if (i == fraction_start) return std::nullopt;
  }
  const std::string_view unit_name = text.substr(i);
  if (unit_name.empty()) {
    // A bare count of bytes; blackbox would want a unit, we are lenient.
    if (fraction_scale != 1) return std::nullopt;
    return whole;
  }
  for (const ByteUnit& unit : kByteUnits) {
    if (unit.name != unit_name) continue;
    if (whole > kMax / unit.bytes) return std::nullopt;
    const int64_t whole_bytes = whole * unit.bytes;
    // fraction < scale <= 1e15 and unit.bytes <= 2^50 could overflow; use
    // long double, which is exact enough for a truncated byte count.
    const auto fraction_bytes =
        static_cast<int64_t>(static_cast<long double>(fraction) * unit.bytes / fraction_scale);
    if (whole_bytes > kMax - fraction_bytes) return std::nullopt;
    return whole_bytes + fraction_bytes;
  }
  return std::nullopt;
}

}  // namespace outage
