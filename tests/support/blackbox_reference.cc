// See blackbox_reference.h.
#include "tests/support/blackbox_reference.h"

#include <unistd.h>

#include <cstdlib>

namespace outage::test {

std::optional<std::string> BlackboxBinary(std::string* why) {
  const char* env = std::getenv("BLACKBOX_BINARY");
  const std::string path =
      env != nullptr && *env != '\0' ? env : "/usr/bin/prometheus-blackbox-exporter";
  if (access(path.c_str(), X_OK) == 0) return path;
  *why = path +
         " is not executable: install Debian's `prometheus-blackbox-exporter` package "
         "(make deps-test) or set $BLACKBOX_BINARY";
  return std::nullopt;
}

}  // namespace outage::test
