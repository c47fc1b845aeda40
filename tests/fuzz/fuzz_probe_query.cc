// Fuzzes /probe query parsing as the handler does it: the raw query string
// through HttpRequest::Param (form decoding), then the target
// through NormalizeHttpTarget (curl's URL parser).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "collectors/http/http_prober.h"
#include "exporter/server/http_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  outage::HttpRequest request;
  request.query.assign(reinterpret_cast<const char*>(data), size);
  const std::optional<std::string> target = request.Param("target");
  (void)request.Param("module");
  (void)request.Param("debug");
  if (target) {
    const outage::NormalizedTarget normalized = outage::NormalizeHttpTarget(*target);
    (void)normalized;
  }
  return 0;
}
