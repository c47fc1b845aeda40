// logfmt encoding shared by the process log and per-probe logs.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace outage {

// AppendLogfmtValue appends `value`, quoted and escaped when it needs to be.
void AppendLogfmtValue(std::string* out, std::string_view value);

// AppendLogfmtField appends " key=value" (no leading space when out is empty).
void AppendLogfmtField(std::string* out, std::string_view key, std::string_view value);

// SecondsText formats a duration in seconds as a log value, with six
// decimals ("0.000213"), as std::to_string does, without going through
// printf.
std::string SecondsText(double seconds);

// Rfc3339Millis formats a wall-clock time as 2006-01-02T15:04:05.000Z.
std::string Rfc3339Millis(std::chrono::system_clock::time_point t);
// AppendRfc3339Millis appends the same text to *out.
void AppendRfc3339Millis(std::chrono::system_clock::time_point t, std::string* out);

}  // namespace outage
