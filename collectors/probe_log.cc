#include "collectors/probe_log.h"

#include <algorithm>

#include "collectors/logfmt.h"

namespace outage {

namespace {

// Values are cut to a fair share of the line, so that whole fields, not
// halves, are what a long line loses.
constexpr size_t kMaxValueBytes = ProbeLog::kMaxLineBytes / 4;

void AppendClipped(std::string* line, std::string_view key, std::string_view value) {
  if (value.size() <= kMaxValueBytes) return AppendLogfmtField(line, key, value);
  AppendLogfmtField(line, key, std::string(value.substr(0, kMaxValueBytes)) + "...");
}

}  // namespace

void ProbeLog::Append(std::string_view level, std::string_view msg,
                      const std::vector<LogField>& fields) {
  if (lines_.size() >= kMaxLines) {
    ++dropped_;
    return;
  }
  // Reserved once for the usual line (quoting may add a little), and shrunk
  // only when far off: a scrape holds thousands of logs until their probes
  // are recorded.
  size_t expected = 48 + level.size() + msg.size();
  for (const auto& [key, value] : fields) expected += key.size() + value.size() + 2;
  std::string line;
  line.reserve(std::min(expected, kMaxLineBytes));
  AppendLogfmtField(&line, "ts", Rfc3339Millis(std::chrono::system_clock::now()));
  AppendLogfmtField(&line, "level", level);
  AppendClipped(&line, "msg", msg);
  // Whole fields are dropped past the line limit, so a line is always valid
  // logfmt.
  for (const auto& [key, value] : fields) {
    const size_t before = line.size();
    AppendClipped(&line, key, value);
    if (line.size() > kMaxLineBytes) {
      line.resize(before);
      AppendLogfmtField(&line, "truncated", "true");
      break;
    }
  }
  if (line.capacity() > line.size() + 64) line.shrink_to_fit();
  lines_.push_back(std::move(line));
}

void ProbeLog::Include(const ProbeLog& other, const std::vector<LogField>& fields) {
  std::string suffix;
  for (const auto& [key, value] : fields) {
    suffix.push_back(' ');
    AppendLogfmtField(&suffix, key, value);
  }
  for (const std::string& line : other.lines_) {
    if (lines_.size() >= kMaxLines) {
      ++dropped_;
      continue;
    }
    lines_.push_back(line.size() + suffix.size() <= kMaxLineBytes ? line + suffix : line);
  }
  dropped_ += other.dropped_;
}

std::string ProbeLog::Text() const {
  std::string out;
  for (const auto& line : lines_) {
    out.append(line);
    out.push_back('\n');
  }
  if (dropped_ > 0) {
    out.append("... ");
    out.append(std::to_string(dropped_));
    out.append(" more lines dropped\n");
  }
  return out;
}

}  // namespace outage
