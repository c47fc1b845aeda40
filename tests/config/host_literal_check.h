// A check that configuration text names hosts by hostname, not by public IP
// address: shipped examples must not point users at someone's real address.
#pragma once

#include <string>
#include <vector>

namespace outage::testing {

// FindPublicIpLiterals returns every IPv4 or IPv6 literal in `text` that is
// not loopback, private (RFC 1918, RFC 6598, unique local), link-local,
// unspecified or reserved for documentation, in order of appearance.
// Literals may stand alone or inside URLs, host:port pairs and CIDRs.
std::vector<std::string> FindPublicIpLiterals(const std::string& text);

}  // namespace outage::testing
