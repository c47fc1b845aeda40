// Binding a probe's socket to the module's source_ip_address, shared by
// the probers that dial themselves (tcp, icmp, dns over TLS).
//
// Thread-safe: a pure function of its arguments.
#pragma once

#include <optional>
#include <string>

namespace outage {

// BindSourceAddress binds `fd`, a socket of `family`, to the IP literal
// `ip`; returns the problem when `ip` is of the other family or cannot be
// bound, nullopt when bound.
std::optional<std::string> BindSourceAddress(int fd, int family, const std::string& ip);

}  // namespace outage
