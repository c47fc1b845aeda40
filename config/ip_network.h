// Parsing IP networks (CIDRs) for probe_policy. yaml-free, so collectors and
// tests can use it.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"

namespace outage {

// ParseIpNetwork reads "10.0.0.0/8", "fd00:ec2::254/128" or a bare address
// ("169.254.169.254", a /32; "::1", a /128) into *out, zeroing host bits as
// Go's net.ParseCIDR does. Returns "" on success, else a one-line reason.
std::string ParseIpNetwork(std::string_view text, IpNetwork* out);

// NetworkContains reports whether `ip` (a full-length address) is in `net`.
bool NetworkContains(const IpNetwork& net, const IpNetwork& ip);

// ParseIpAddress reads a bare IPv4 or IPv6 address (no brackets, no zone)
// into *out as a full-length network; false when `text` is not one.
bool ParseIpAddress(std::string_view text, IpNetwork* out);

}  // namespace outage
