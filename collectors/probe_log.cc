#include "collectors/probe_log.h"

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

// ForEachLine calls fn with each newline-terminated line of `text`, without
// its newline.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    fn(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

void ProbeLog::Append(std::string_view level, std::string_view msg,
                      const std::vector<LogField>& fields) {
  if (line_count_ >= kMaxLines) {
    ++dropped_;
    return;
  }
  // Each line is made in one buffer per thread, then copied to the end of
  // the text: no allocation per line once the buffer has grown.
  thread_local std::string line;
  line.clear();
  line.append("ts=");  // a timestamp never needs quoting
  AppendRfc3339Millis(std::chrono::system_clock::now(), &line);
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
  AddLine(line, {});
}

void ProbeLog::AddLine(std::string_view line, std::string_view suffix) {
  text_.append(line);
  if (line.size() + suffix.size() <= kMaxLineBytes) text_.append(suffix);
  text_.push_back('\n');
  ++line_count_;
}

void ProbeLog::Include(const ProbeLog& other, const std::vector<LogField>& fields) {
  std::string suffix;
  for (const auto& [key, value] : fields) {
    suffix.push_back(' ');
    AppendLogfmtField(&suffix, key, value);
  }
  ForEachLine(other.text_, [&](std::string_view line) {
    if (line_count_ >= kMaxLines) {
      ++dropped_;
      return;
    }
    AddLine(line, suffix);
  });
  dropped_ += other.dropped_;
}

std::vector<std::string> ProbeLog::lines() const {
  std::vector<std::string> out;
  out.reserve(line_count_);
  ForEachLine(text_, [&](std::string_view line) { out.emplace_back(line); });
  return out;
}

std::string ProbeLog::Text() const {
  if (dropped_ == 0) return text_;
  return text_ + "... " + std::to_string(dropped_) + " more lines dropped\n";
}

}  // namespace outage
