// See html_escape.h.
#include "exporter/status_page/html_escape.h"

#include <cctype>

#include "config/utf8.h"

namespace outage {

std::string HtmlEscape(std::string_view raw) {
  // The page is served as UTF-8: what is not UTF-8 is replaced, not passed.
  std::string replaced;
  const std::string_view text = AsValidUtf8(raw, &replaced);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SafeLinkUrl(std::string_view url) {
  auto starts_with = [url](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    size_t i = 0;
    for (const char c : prefix) {
      if (std::tolower(static_cast<unsigned char>(url[i++])) != c) return false;
    }
    return true;
  };
  if (!starts_with("http://") && !starts_with("https://")) return "";
  for (const char c : url) {
    // Control characters and spaces have no place in a link we print.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "";
  }
  return std::string(url);
}

}  // namespace outage
