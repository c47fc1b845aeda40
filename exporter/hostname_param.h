// The `hostname` parameter of /probe (blackbox 0.24): the name a probe
// presents to the target instead of the one in the target URL. Pure
// functions, safe from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/config.h"

namespace outage {

// HostnameProblem returns why `hostname` cannot be used (it goes into a
// Host header and a TLS server name), or nullopt when it can.
std::optional<std::string> HostnameProblem(const std::string& hostname);

// WithHostname returns a copy of `module` that presents `hostname`: for
// http, the Host header, and the TLS server name unless tls_config sets
// one; for tcp, the TLS server name unless tls_config sets one. Other
// probers are returned unchanged. On a conflict (the module sets another
// Host header, which blackbox refuses too) returns nullptr with *error set.
std::shared_ptr<const Module> WithHostname(const Module& module, const std::string& hostname,
                                           std::string* error);

}  // namespace outage
