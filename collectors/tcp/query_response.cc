#include "collectors/tcp/query_response.h"

#include <re2/re2.h>

#include <cctype>
#include <map>

namespace outage {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Reference is one parsed "$..." after the "$": Go's regexp extract().
struct Reference {
  std::string_view name;
  int number = -1;    // >= 0 when the name is a group number
  size_t length = 0;  // bytes consumed after the "$"
};

bool ParseReference(std::string_view text, Reference* out) {
  if (text.empty()) return false;
  const bool brace = text[0] == '{';
  size_t i = brace ? 1 : 0;
  const size_t name_start = i;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  if (i == name_start) return false;  // empty name
  out->name = text.substr(name_start, i - name_start);
  if (brace) {
    if (i >= text.size() || text[i] != '}') return false;
    ++i;
  }
  out->length = i;
  int number = 0;
  for (char c : out->name) {
    if (c < '0' || c > '9' || number >= 100000000) {
      number = -1;
      break;
    }
    number = number * 10 + (c - '0');
  }
  // Go: a leading zero makes it a name, not a number.
  if (out->name.size() > 1 && out->name[0] == '0') number = -1;
  out->number = number;
  return true;
}

}  // namespace

LineReader::Next LineReader::NextLine(std::string* line) {
  const size_t newline = buffer_.find('\n', start_);
  if (newline == std::string::npos) {
    return buffered() > kMaxLineBytes ? Next::kTooLong : Next::kNeedMore;
  }
  size_t end = newline;
  if (end > start_ && buffer_[end - 1] == '\r') --end;
  if (end - start_ > kMaxLineBytes) return Next::kTooLong;
  line->assign(buffer_, start_, end - start_);
  start_ = newline + 1;
  Compact();
  return Next::kLine;
}

bool LineReader::TakeRest(std::string* line) {
  if (buffered() == 0) return false;
  size_t end = buffer_.size();
  if (buffer_[end - 1] == '\r') --end;
  line->assign(buffer_, start_, end - start_);
  Clear();
  return true;
}

bool LineReader::TakeBytes(size_t n, std::string* out) {
  if (buffered() < n) return false;
  out->assign(buffer_, start_, n);
  start_ += n;
  Compact();
  return true;
}

void LineReader::Clear() {
  buffer_.clear();
  start_ = 0;
}

void LineReader::Compact() {
  // Amortised: move the tail down only once the taken prefix dominates.
  if (start_ == buffer_.size()) {
    Clear();
  } else if (start_ > 4096 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
}

bool MatchLine(const RE2& re, std::string_view line, std::vector<std::string_view>* groups) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(n));
  if (!re.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED,
                pieces.data(), n)) {
    return false;
  }
  groups->clear();
  for (const auto& piece : pieces) {
    groups->emplace_back(piece.data(), piece.data() == nullptr ? 0 : piece.size());
  }
  return true;
}

std::string ExpandCaptures(std::string_view tmpl, const RE2& re,
                           const std::vector<std::string_view>& groups) {
  std::string out;
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    Reference ref;
    if (!ParseReference(tmpl, &ref)) {
      out.push_back('$');  // malformed: the "$" is literal text
      continue;
    }
    tmpl.remove_prefix(ref.length);
    int index = ref.number;
    if (index < 0) {
      const std::map<std::string, int>& named = re.NamedCapturingGroups();
      auto it = named.find(std::string(ref.name));
      if (it != named.end()) index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() &&
        groups[static_cast<size_t>(index)].data() != nullptr) {
      out.append(groups[static_cast<size_t>(index)]);
    }
  }
  out.append(tmpl);
  return out;
}

}  // namespace outage
