// The pure parts of blackbox's query_response dialogue: splitting received
// bytes into lines as Go's bufio.ScanLines does, and expanding ${N} / ${name}
// captures as Go's Regexp.Expand does. No I/O here, so it is unit-tested.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace outage {

// LineReader buffers received bytes and hands them out as lines or as exact
// byte counts. Not thread-safe.
class LineReader {
 public:
  // Go's bufio.MaxScanTokenSize: blackbox fails on a longer line, so do we.
  static constexpr size_t kMaxLineBytes = 64 * 1024;

  enum class Next { kLine, kNeedMore, kTooLong };

  void Append(std::string_view data) { buffer_.append(data); }

  // NextLine takes one "\n"-terminated line, without the "\n" and without
  // one trailing "\r".
  Next NextLine(std::string* line);
  // TakeRest takes the unterminated remainder as a final line (at EOF);
  // false when nothing is buffered.
  bool TakeRest(std::string* line);
  // TakeBytes takes exactly n bytes; false (taking nothing) when fewer are
  // buffered.
  bool TakeBytes(size_t n, std::string* out);
  // Clear drops everything buffered (a STARTTLS upgrade must not let
  // plaintext sent before it be read as if it came over TLS).
  void Clear();

  size_t buffered() const { return buffer_.size() - start_; }

 private:
  void Compact();

  std::string buffer_;
  size_t start_ = 0;  // bytes before start_ have been taken
};

// MatchLine runs `re` unanchored over `line` (like Go's FindSubmatchIndex).
// On a match, *groups holds the whole match then each group; a group that
// did not take part has a null data().
bool MatchLine(const re2::RE2& re, std::string_view line, std::vector<std::string_view>* groups);

// ExpandCaptures replaces $N, ${N}, $name and ${name} in `tmpl` with the
// groups of a MatchLine result, and "$$" with "$", exactly as Go's
// Regexp.Expand: unknown or unmatched groups expand to "", and a "$" that
// starts no valid reference is kept as it is.
std::string ExpandCaptures(std::string_view tmpl, const re2::RE2& re,
                           const std::vector<std::string_view>& groups);

}  // namespace outage
