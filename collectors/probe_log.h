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

  // lines returns a copy of the lines, without their newlines.
  std::vector<std::string> lines() const;
  size_t line_count() const { return line_count_; }
  size_t dropped() const { return dropped_; }
  bool debug() const { return debug_; }
  // Text is every line, newline-terminated, plus a note of dropped lines.
  std::string Text() const;

  // Compact gives back the text's spare capacity: a finished probe's log is
  // kept, a scrape holds thousands of them.
  void Compact() { text_.shrink_to_fit(); }

 private:
  void Append(std::string_view level, std::string_view msg, const std::vector<LogField>& fields);
  // AddLine appends `line`, then `suffix` when the two fit in a line.
  void AddLine(std::string_view line, std::string_view suffix);

  bool debug_;
  // The lines, each newline-terminated, in one string: a string per line
  // would cost an allocation and its overhead for each.
  std::string text_;
  size_t line_count_ = 0;
  size_t dropped_ = 0;
};

}  // namespace outage
