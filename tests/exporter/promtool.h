// PromtoolCheckMetrics pipes exposition text through `promtool check
// metrics` and returns its exit status (0: valid and lint-clean).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace outage {

inline int PromtoolCheckMetrics(const std::string& exposition) {
  FILE* pipe = popen(PROMTOOL_PATH " check metrics >/dev/null 2>&1", "w");
  if (pipe == nullptr) return -1;
  const size_t written = std::fwrite(exposition.data(), 1, exposition.size(), pipe);
  const int status = pclose(pipe);
  if (written != exposition.size() || status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace outage
