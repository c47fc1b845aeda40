#include "tests/support/readme_example.h"

#include <fstream>
#include <sstream>

namespace outage::test {

std::string ReadmeYamlExample(const std::string& readme_path, std::string_view heading) {
  std::ifstream in(readme_path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string readme = buffer.str();
  const size_t section = readme.find(heading);
  if (section == std::string::npos) return "";
  constexpr std::string_view kFence = "```yaml\n";
  const size_t begin = readme.find(kFence, section);
  if (begin == std::string::npos) return "";
  const size_t end = readme.find("```", begin + kFence.size());
  if (end == std::string::npos) return "";
  return readme.substr(begin + kFence.size(), end - begin - kFence.size());
}

}  // namespace outage::test
