// ProbeLog: the bounded, per-probe debug log served by /probe?debug=true.
// Lines are logfmt, like the process log. Not thread-safe: a probe owns its
// log until the probe completes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outage {

// LogField is one key=value pair of a log line.
using LogField = std::pair<std::string_view, std::string>;

class ProbeLog {
 public:
  // Limits that keep a hostile target from growing a log without bound.
  static constexpr size_t kMaxLines = 200;
  static constexpr size_t kMaxLineBytes = 2048;

  explicit ProbeLog(bool debug = false) : debug_(debug) {}

  void Debug(std::string_view msg, const std::vector<LogField>& fields = {}) {
    if (debug_) Append("debug", msg, fields);
  }
  void Info(std::string_view msg, const std::vector<LogField>& fields = {}) {
    Append("info", msg, fields);
  }
  void Error(std::string_view msg, const std::vector<LogField>& fields = {}) {
    Append("error", msg, fields);
  }

  // Include appends `other`'s lines, each with `fields` added at its end
  // (within the same limits).
  void Include(const ProbeLog& other, const std::vector<LogField>& fields);

  const std::vector<std::string>& lines() const { return lines_; }
  size_t dropped() const { return dropped_; }
  bool debug() const { return debug_; }
  // Text is every line, newline-terminated, plus a note of dropped lines.
  std::string Text() const;

 private:
  void Append(std::string_view level, std::string_view msg, const std::vector<LogField>& fields);

  bool debug_;
  std::vector<std::string> lines_;
  size_t dropped_ = 0;
};

}  // namespace outage
