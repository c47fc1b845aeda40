#include "collectors/probe_log.h"

#include "collectors/logfmt.h"

namespace outage {

void ProbeLog::Append(std::string_view level, std::string_view msg,
                      std::vector<LogField> fields) {
  if (lines_.size() >= kMaxLines) {
    ++dropped_;
    return;
  }
  std::string line;
  AppendLogfmtField(&line, "ts", Rfc3339Millis(std::chrono::system_clock::now()));
  AppendLogfmtField(&line, "level", level);
  AppendLogfmtField(&line, "msg", msg);
  for (const auto& [key, value] : fields) AppendLogfmtField(&line, key, value);
  if (line.size() > kMaxLineBytes) {
    line.resize(kMaxLineBytes);
    line.append("...");
  }
  lines_.push_back(std::move(line));
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
