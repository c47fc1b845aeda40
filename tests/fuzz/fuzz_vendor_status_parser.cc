// Fuzzes the Statuspage summary.json parser: malformed JSON or schema drift
// must give nullopt or a tolerant summary, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/vendor_status/vendor_status_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  (void)outage::ParseVendorStatusSummary(
      std::string_view(reinterpret_cast<const char*>(data), size), &error);
  return 0;
}
