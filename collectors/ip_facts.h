// probe_ip_protocol and probe_ip_addr_hash, shared by every prober that
// connects to an address.
#pragma once

#include <cstdint>
#include <string_view>

#include "collectors/probe_result.h"

namespace outage {

// IpAddrHash is the 32-bit FNV-1a hash of the address's bytes, as blackbox
// computes it, so the value changes exactly when the address does. Text
// that is not an address is hashed as text.
uint32_t IpAddrHash(std::string_view ip);

// AddIpFacts appends both metrics for `ip` (empty: unknown, both 0) and
// notes `ip` as the address the probe used.
void AddIpFacts(std::string_view ip, ProbeResult* result);

}  // namespace outage
