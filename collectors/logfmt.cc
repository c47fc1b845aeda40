#include "collectors/logfmt.h"

#include <charconv>
#include <cstdint>
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

std::string SecondsText(double seconds) {
  char text[64];
  const auto [end, error] =
      std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed, 6);
  if (error != std::errc()) return std::to_string(seconds);  // not reached for a duration
  return std::string(text, end);
}

void AppendRfc3339Millis(std::chrono::system_clock::time_point t, std::string* out) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  int64_t secs = ms / 1000;
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {  // before 1970: the second below, plus a positive part
    millis += 1000;
    --secs;
  }
  // Every probe log line is stamped, mostly within the same second: the
  // date and time up to the second are formatted once per second per thread.
  struct Second {
    int64_t secs = INT64_MIN;
    char text[32] = {};
    int length = 0;
  };
  thread_local Second second;
  if (second.secs != secs) {
    const auto time = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&time, &tm);
    second.length = std::snprintf(second.text, sizeof second.text, "%04d-%02d-%02dT%02d:%02d:%02d",
                                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                  tm.tm_min, tm.tm_sec);
    second.secs = secs;
  }
  const char fraction[] = {'.', static_cast<char>('0' + millis / 100),
                           static_cast<char>('0' + millis / 10 % 10),
                           static_cast<char>('0' + millis % 10), 'Z'};
  out->append(second.text, static_cast<size_t>(second.length)).append(fraction, sizeof fraction);
}

std::string Rfc3339Millis(std::chrono::system_clock::time_point t) {
  std::string out;
  out.reserve(24);
  AppendRfc3339Millis(t, &out);
  return out;
}

}  // namespace outage
