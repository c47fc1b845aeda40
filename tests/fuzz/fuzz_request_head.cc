// libFuzzer target: any bytes as the start of a request head, through
// ParseRequestHead and the query decoding handlers use. It must never crash,
// and a complete head never claims more bytes than it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "exporter/server/http_request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const outage::RequestHead head = outage::ParseRequestHead(input);
  if (head.status == outage::RequestHead::Status::kComplete) {
    if (head.head_bytes > size) std::abort();
    (void)head.request.Param("target");
    (void)head.request.Header("Host");
  }
  return 0;
}
