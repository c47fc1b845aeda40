// See response_headers.h.
#include "collectors/http/response_headers.h"

#include <algorithm>

#include "collectors/http/header_text.h"

namespace outage {

ResponseHeaders::ResponseHeaders(
    std::initializer_list<std::pair<std::string_view, std::initializer_list<std::string_view>>>
        headers) {
  for (const auto& [name, values] : headers) {
    for (std::string_view value : values) Add(name, value);
  }
}

bool ResponseHeaders::AddLine(std::string_view line) {
  std::string_view name;
  std::string_view value;
  if (!SplitHeaderLine(line, &name, &value)) return false;
  Add(name, value);
  return true;
}

void ResponseHeaders::Add(std::string_view name, std::string_view value) {
  if (lines_.empty()) {
    lines_.reserve(16);
    text_.reserve(512);
  }
  lines_.push_back(Line{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(name.size()),
                        static_cast<uint32_t>(value.size())});
  AppendLowerAscii(name, &text_);
  text_.append(value);
}

void ResponseHeaders::Clear() {
  lines_.clear();
  text_.clear();
}

std::vector<std::string_view> ResponseHeaders::Values(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Line& l : lines_) {
    if (NameOf(l) == name) values.push_back(ValueOf(l));
  }
  return values;
}

bool ResponseHeaders::Has(std::string_view name) const {
  return std::any_of(lines_.begin(), lines_.end(),
                     [&](const Line& l) { return NameOf(l) == name; });
}

std::string_view ResponseHeaders::First(std::string_view name) const {
  for (const Line& l : lines_) {
    if (NameOf(l) == name) return ValueOf(l);
  }
  return {};
}

std::string_view ResponseHeaders::Last(std::string_view name) const {
  for (auto l = lines_.rbegin(); l != lines_.rend(); ++l) {
    if (NameOf(*l) == name) return ValueOf(*l);
  }
  return {};
}

}  // namespace outage
