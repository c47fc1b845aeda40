#include "collectors/http/header_text.h"

#include <cctype>

namespace outage {

void AppendLowerAscii(std::string_view s, std::string* out) {
  for (const char c : s)
    out->push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
}

std::string LowerAscii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendLowerAscii(s, &out);
  return out;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool SplitHeaderLine(std::string_view line, std::string_view* name, std::string_view* value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  *name = TrimSpace(line.substr(0, colon));
  *value = TrimSpace(line.substr(colon + 1));
  return true;
}

bool SplitHeaderLine(std::string_view line, std::string* name, std::string_view* value) {
  std::string_view sent;
  if (!SplitHeaderLine(line, &sent, value)) return false;
  *name = LowerAscii(sent);
  return true;
}

bool IsCredentialHeader(std::string_view name) {
  const std::string lower = LowerAscii(TrimSpace(name));
  return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
         lower == "cookie2" || lower == "www-authenticate";
}

}  // namespace outage
