// TargetPolicy decides where a probe may go under the config's probe_policy:
// host names are checked against globs before a request, and every address
// is checked at connect time, so a DNS answer (rebinding) or a redirect
// cannot smuggle a denied address in. Pure; unit-tested without a network.
//
// Thread-safe (const). Holds a reference: the ProbePolicy must outlive it
// (it lives in the Config snapshot a probe request keeps alive).
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "config/config.h"

namespace outage {

class TargetPolicy {
 public:
  explicit TargetPolicy(const ProbePolicy& policy) : policy_(policy) {}

  // Allows reports whether a probe may go to `host`: a name, or an IP literal
  // (brackets allowed). A name passes when no deny glob matches and, if the
  // allow list has globs, one matches; its addresses are checked at connect
  // time. An IP literal must pass the address rules too. On refusal, *why
  // (if given) gets a one-line reason.
  bool Allows(std::string_view host, std::string* why = nullptr) const;

  // Allows reports whether a probe may connect to `addr` (AF_INET or
  // AF_INET6; an IPv4-mapped IPv6 address counts as IPv4). Deny networks
  // always apply; allow networks apply unless `host_listed`, i.e. the name
  // being connected to matched an allow glob (see HostListed).
  bool Allows(const sockaddr* addr, socklen_t len, bool host_listed = false,
              std::string* why = nullptr) const;

  // HostListed reports whether `host` matches an allow glob.
  bool HostListed(std::string_view host) const;

 private:
  // AllowsAddress applies the network rules to `ip` (a full-length network).
  bool AllowsAddress(const IpNetwork& ip, bool host_listed, std::string* why) const;

  const ProbePolicy& policy_;
};

// NormalizeHost lower-cases `host` and strips IPv6 brackets and a trailing
// dot, as the policy compares hosts.
std::string NormalizeHost(std::string_view host);

}  // namespace outage
