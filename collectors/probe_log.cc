#include "collectors/probe_log.h"

#include "collectors/logfmt.h"

namespace outage {

void ProbeLog::Append(std::string_view level, std::string_view msg,
                      const std::vector<LogField>& fields) {
  if (lines_.size() >= kMaxLines) {
    ++dropped_;
    return;
  }
  // Values are cut to a fair share of the line and whole fields are dropped
  // past the line limit, so a line is always valid logfmt.
  constexpr size_t kMaxValueBytes = kMaxLineBytes / 4;
  auto clip = [](std::string_view v) {
    return v.size() <= kMaxValueBytes ? std::string(v)
                                      : std::string(v.substr(0, kMaxValueBytes)) + "...";
  };
  std::string line;
  AppendLogfmtField(&line, "ts", Rfc3339Millis(std::chrono::system_clock::now()));
  AppendLogfmtField(&line, "level", level);
  AppendLogfmtField(&line, "msg", clip(msg));
  for (const auto& [key, value] : fields) {
    std::string field;
    AppendLogfmtField(&field, key, clip(value));
    if (line.size() + 1 + field.size() > kMaxLineBytes) {
      AppendLogfmtField(&line, "truncated", "true");
      break;
    }
    line.push_back(' ');
    line.append(field);
  }
  // Built by appending, a line has up to twice its length reserved; a
  // scrape holds thousands of logs until their probes are recorded.
  line.shrink_to_fit();
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
