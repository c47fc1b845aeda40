// Fuzzes the DNS wire parser with whole messages as a resolver might return
// them, and renders every record as the validator would.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "collectors/dns/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  std::optional<outage::dns::Message> message = outage::dns::ParseMessage(data, size, &error);
  if (!message) return 0;
  for (const auto* section : {&message->answer, &message->authority, &message->additional}) {
    for (const outage::dns::ResourceRecord& rr : *section) {
      (void)rr.ToString();
      (void)rr.ToStringWithoutTtl();
    }
  }
  (void)outage::dns::RcodeName(message->rcode);
  return 0;
}
