// ResponseHeaders: one HTTP response's header lines, as the HTTP prober's
// checks read them (header regexps, Content-Encoding, Last-Modified, edge
// attribution): lower-case names and trimmed values, in the order received.
// The lines are kept in one text buffer: a response brings a handful of
// lines, and a map of vectors of strings cost about three allocations each.
//
// Not thread-safe: one per probe run.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outage {

class ResponseHeaders {
 public:
  ResponseHeaders() = default;
  // For literals: {{"name", {"value", ...}}, ...}; names of any case.
  ResponseHeaders(
      std::initializer_list<std::pair<std::string_view, std::initializer_list<std::string_view>>>
          headers);

  // AddLine keeps "Name: value\r\n"; false, keeping nothing, for a line
  // without a colon (a status line or the blank end of the headers).
  bool AddLine(std::string_view line);
  // Add keeps one value of the header `name`.
  void Add(std::string_view name, std::string_view value);
  void Clear();

  // Values are the values of `name` (lower-case) in the order received;
  // empty when the response has no such header. The views returned here and
  // by First and Last last until the next Add, AddLine or Clear.
  std::vector<std::string_view> Values(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view First(std::string_view name) const;  // "" when absent
  std::string_view Last(std::string_view name) const;   // "" when absent

 private:
  struct Line {
    uint32_t name_at;  // the name, then the value, in text_
    uint32_t name_size;
    uint32_t value_size;
  };
  std::string_view NameOf(const Line& l) const { return {text_.data() + l.name_at, l.name_size}; }
  std::string_view ValueOf(const Line& l) const {
    return {text_.data() + l.name_at + l.name_size, l.value_size};
  }

  std::vector<Line> lines_;
  std::string text_;
};

}  // namespace outage
