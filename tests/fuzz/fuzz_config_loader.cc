// Fuzzes the YAML config loader: any text must give a Config or a
// ConfigError, never a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  outage::ConfigResult result = outage::LoadConfigString(yaml, "fuzz.yml");
  if (const auto* error = std::get_if<outage::ConfigError>(&result)) {
    (void)error->ToString();
  }
  return 0;
}
