// The checks every prober that sends to a host makes, recorded as failures
// (with their log lines) in the ProbeResult: the host under probe_policy
// before resolving, then the resolved address (so a DNS answer cannot
// smuggle a denied address in). Shared by the TCP, ICMP and gRPC probers.
#pragma once

#include <string>

#include "collectors/async_resolver.h"
#include "collectors/probe_result.h"
#include "config/config.h"

namespace outage {

// HostAllowed reports whether `policy` lets a probe go to `host`; if not,
// records a `network` failure in *result.
bool HostAllowed(const ProbePolicy& policy, const std::string& host, ProbeResult* result);

// PickAddress returns the address to use from `resolved` (the first of
// blackbox's family choice) and logs it; nullptr after recording a `dns`
// failure in *result when resolution failed.
const ResolvedAddress* PickAddress(const std::string& host, const ResolveResult& resolved,
                                   ProbeResult* result);

// AddressAllowed reports whether `policy` lets a probe of `host` go to
// `address`; if not, records a `network` failure in *result.
bool AddressAllowed(const ProbePolicy& policy, const std::string& host,
                    const ResolvedAddress& address, ProbeResult* result);

}  // namespace outage
