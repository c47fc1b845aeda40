#include "collectors/logfmt.h"

#include <cstdio>
#include <ctime>

#include "config/utf8.h"

namespace outage {
namespace {

bool NeedsQuoting(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '=' || c == '"' || c >= 0x7f) return true;
  }
  return false;
}

}  // namespace

void AppendLogfmtValue(std::string* out, std::string_view raw) {
  // Values carry what targets and servers sent: keep the log valid UTF-8.
  std::string replaced;
  const std::string_view value = AsValidUtf8(raw, &replaced);
  if (!NeedsQuoting(value)) {
    out->append(value);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out->append("\\x");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendLogfmtField(std::string* out, std::string_view key, std::string_view value) {
  if (!out->empty()) out->push_back(' ');
  out->append(key);
  out->push_back('=');
  AppendLogfmtValue(out, value);
}

std::string Rfc3339Millis(std::chrono::system_clock::time_point t) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace outage
