#include "tests/support/required_program.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace outage::test {
namespace {

std::string BaseName(const std::string& program) {
  const size_t slash = program.rfind('/');
  return slash == std::string::npos ? program : program.substr(slash + 1);
}

bool Executable(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& RequiredPrograms() {
  // Keep in step with scripts/packages-test.txt: support_self_test checks
  // that each package is listed there and that each program is installed.
  static const auto* const programs = new std::vector<std::pair<std::string, std::string>>{
      {"prometheus-alertmanager", "prometheus-alertmanager"},
      {"amtool", "prometheus-alertmanager"},
      {"chromium", "chromium"},
      {"clang-format", "clang-format"},
      {"ip", "iproute2"},
      {"mount", "mount"},
      {"nginx", "nginx-light"},
      {"openssl", "openssl"},
      {"prometheus", "prometheus"},
      {"prometheus-blackbox-exporter", "prometheus-blackbox-exporter"},
      {"promtool", "prometheus"},
      {"python3", "python3"},
      {"unshare", "util-linux"},
  };
  return *programs;
}

std::string DebianPackageFor(const std::string& program) {
  const std::string name = BaseName(program);
  for (const auto& [known, package] : RequiredPrograms()) {
    if (name == known) return package;
  }
  return "";
}

std::string MissingProgram(const std::string& program) {
  if (Executable(program)) return "";
  const std::string package = DebianPackageFor(program);
  if (package.empty()) return "`" + program + "` is not installed";
  return "`" + program + "` is not installed: it comes from Debian's `" + package +
         "` package (scripts/packages-test.txt; `make deps-test` installs it)";
}

}  // namespace outage::test
