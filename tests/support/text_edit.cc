// See text_edit.h.
#include "tests/support/text_edit.h"

#include <fstream>
#include <sstream>

#include "tests/support/subprocess.h"

namespace outage::test {

std::string Substitute(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [placeholder, value] : values) {
    for (size_t pos = text.find(placeholder); pos != std::string::npos;
         pos = text.find(placeholder, pos + value.size())) {
      text.replace(pos, placeholder.size(), value);
    }
  }
  return text;
}

std::string Indent(const std::string& text, int spaces) {
  std::string out;
  const std::string pad(static_cast<size_t>(spaces), ' ');
  for (const std::string& line : SplitLines(text)) out += pad + line + "\n";
  return out;
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Tail(const std::string& text, size_t lines) {
  const std::vector<std::string> all = SplitLines(text);
  if (all.size() <= lines) return text;
  std::string out = "[... " + std::to_string(all.size() - lines) + " earlier lines ...]\n";
  for (size_t i = all.size() - lines; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

}  // namespace outage::test
